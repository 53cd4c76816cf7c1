using System.Runtime.CompilerServices;
using FiniteMemory.Backends;
using FiniteMemory.Generators.Tests.Inputs;
using FiniteMemory.Generators.Tests.Support;
using Microsoft.Extensions.AI;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// [Backend(Table = ...)] factories: every entry of the table is registered under its own name and description,
/// after the named backends, and created through one shared binder that names the entry in its errors. Pinned by
/// a snapshot and executed.
/// </summary>
public class BackendTableTests
{
    private static readonly Lazy<GeneratorRun> Compiled = new(() =>
        GeneratorRun.Run(TestCompilation.Create("Gen.Tables", [("EchoClient.cs", BackendInputs.EchoClient), ("Tables.cs", BackendInputs.Tables)])));

    private static readonly Lazy<GeneratedRegistry> Loaded = new(() => Compiled.Value.LoadRegistry());

    private static GeneratedRegistry Registry => Loaded.Value;

    [Test]
    public async Task ATableFactoryRegistersEveryEntryOfItsTableAfterTheNamedBackends()
    {
        var run = Compiled.Value;

        await Snapshot.Verify(run.Listing());
        await Assert.That(run.Problems()).IsEmpty();
        await Assert.That(Registry.BackendNames).IsEquivalentTo(["gen-table-named", "gen-table-bare", "gen-table-vanilla", "gen-table-mint"], CollectionOrdering.Matching);
    }

    [Test]
    public async Task AnEntryIsCreatedUnderItsOwnNameWithItsOptionsBound()
    {
        var client = Registry.CreateBackend(" GEN-Table-Mint ", new BackendSettings { Model = "m", Options = new Dictionary<string, string> { ["max-tokens"] = "64" } });

        await Assert.That(client.ToString()).IsEqualTo("gen-table-mint");
        var bound = GeneratedRegistry.Properties(client.GetService(typeof(object), "settings")!);
        await Assert.That(bound["Model"]).IsEqualTo("m");
        await Assert.That(bound["MaxTokens"]).IsEqualTo(64);
    }

    [Test]
    public async Task TheSharedBinderNamesTheEntryInItsErrors()
    {
        var unknown = Assert.Throws<BackendConfigurationException>(() => Registry.CreateBackend("gen-table-vanilla", new BackendSettings { Options = new Dictionary<string, string> { ["colour"] = "blue" } }));
        await Assert.That(unknown.Backend).IsEqualTo("gen-table-vanilla");
        await Assert.That(unknown.Message).IsEqualTo("Backend 'gen-table-vanilla' has no option 'colour'. Known options: MaxTokens.");

        var invalid = Assert.Throws<BackendConfigurationException>(() => Registry.CreateBackend("gen-table-mint", new BackendSettings { Options = new Dictionary<string, string> { ["max-tokens"] = "many" } }));
        await Assert.That(invalid.Message).IsEqualTo("Backend 'gen-table-mint': option 'max-tokens' must be a whole number; the value given does not parse.");

        var bare = Assert.Throws<BackendConfigurationException>(() => Registry.CreateBackend("gen-table-bare", new BackendSettings { Options = new Dictionary<string, string> { ["x"] = "1" } }));
        await Assert.That(bare.Message).IsEqualTo("Backend 'gen-table-bare' takes no option 'x': it accepts only the common settings (model, endpoint, API key, timeout).");
        await Assert.That(Registry.CreateBackend("gen-table-bare", new BackendSettings()).ToString()).IsEqualTo("gen-table-bare");
    }

    [Test]
    public async Task AnUnknownNameIsAnErrorListingTheNamedAndTheTablesBackends()
    {
        var error = Assert.Throws<ArgumentException>(() => Registry.CreateBackend("gen-table-chocolate", new BackendSettings()));

        await Assert.That(error.Message).StartsWith(
            "Assembly Gen.Tables declares no backend 'gen-table-chocolate'. It declares: gen-table-named, gen-table-bare, gen-table-vanilla, gen-table-mint. ChatBackends.Create(name, settings) searches every registered assembly.");
    }

    [Test]
    public async Task TheModuleInitializerRegistersEachEntryWithItsDescription()
    {
        RuntimeHelpers.RunModuleConstructor(Registry.Assembly.ManifestModule.ModuleHandle);

        await Assert.That(ChatBackends.TryGet("gen-table-vanilla", out var vanilla)).IsTrue();
        await Assert.That(vanilla!.Description).IsEqualTo("Flavour at http://127.0.0.1:1/v");
        await Assert.That(vanilla.Assembly).IsEqualTo("Gen.Tables");
        await Assert.That(vanilla.Options).IsEquivalentTo(["MaxTokens"]);
        await Assert.That(ChatBackends.TryGet("gen-table-bare", out var bare) && bare!.Description == "Takes only its name.").IsTrue();

        using var mint = ChatBackends.Create("gen-table-mint", new BackendSettings());
        await Assert.That(mint.ToString()).IsEqualTo("gen-table-mint");
    }
}

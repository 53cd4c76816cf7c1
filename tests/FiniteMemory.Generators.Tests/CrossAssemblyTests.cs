using FiniteMemory.Backends;
using FiniteMemory.Generators.Tests.Inputs;
using FiniteMemory.Generators.Tests.Support;
using FiniteMemory.Policies;
using Microsoft.CodeAnalysis;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// Registries across assemblies: an application's registry registers those of the libraries it references
/// (found through their [FiniteMemoryRegistry] attribute, no scanning), so touching the application makes the
/// libraries' policies and backends known; an assembly with nothing to register gets no registry.
/// </summary>
public class CrossAssemblyTests
{
    private const string Library = """
        using FiniteMemory.Backends;
        using FiniteMemory.Policies;
        using Microsoft.Extensions.AI;

        namespace Sample.Library;

        [MemoryPolicy("gen-cross-library")]
        [KeepRecent(MaxTurns = 1)]
        public partial class LibraryPolicy
        {
        }

        public static class LibraryBackends
        {
            [Backend("gen-cross-backend")]
            public static IChatClient Create() => new Sample.Backends.EchoClient("library", null);
        }
        """;

    private const string App = """
        using FiniteMemory.Policies;

        namespace Sample.App;

        [MemoryPolicy("gen-cross-app")]
        [KeepRecent]
        public partial class AppPolicy
        {
        }
        """;

    [Test]
    public async Task AnAppsRegistryRegistersTheRegistriesOfTheLibrariesItReferences()
    {
        var library = GeneratorRun.Run(TestCompilation.Create("Gen.CrossLibrary", [("Library.cs", Library), ("EchoClient.cs", BackendInputs.EchoClient)]));
        await Assert.That(library.Problems()).IsEmpty();
        var libraryImage = library.Emit();

        var app = GeneratorRun.Run(TestCompilation.Create("Gen.CrossApp", [("App.cs", App)], additionalReferences: [MetadataReference.CreateFromImage(libraryImage)]));
        await Assert.That(app.Problems()).IsEmpty();

        // Referenced registries first (sorted), then the app's own declarations.
        var registry = app.Source("GenCrossAppRegistry.g.cs");
        var core = registry.IndexOf("global::FiniteMemory.Generated.FiniteMemoryCoreRegistry.Register();", StringComparison.Ordinal);
        var referenced = registry.IndexOf("global::FiniteMemory.Generated.GenCrossLibraryRegistry.Register();", StringComparison.Ordinal);
        var own = registry.IndexOf("MemoryPolicies.Register(new global::FiniteMemory.Policies.PolicyRegistration(\"gen-cross-app\"", StringComparison.Ordinal);
        await Assert.That(referenced).IsGreaterThan(core);
        await Assert.That(own).IsGreaterThan(referenced);
        await Assert.That(core).IsGreaterThan(0);

        var context = new TestLoadContext();
        context.Load(libraryImage);
        var appRegistry = new GeneratedRegistry(app.Load(context));
        await Assert.That(MemoryPolicies.Names).DoesNotContain("gen-cross-library");

        appRegistry.Register();

        await Assert.That(MemoryPolicies.Names).Contains("gen-cross-library");
        await Assert.That(MemoryPolicies.Names).Contains("gen-cross-app");
        await Assert.That(ChatBackends.Names).Contains("gen-cross-backend");
        await Assert.That(MemoryPolicies.TryGet("gen-cross-library", out var registration)).IsTrue();
        await Assert.That(registration!.Assembly).IsEqualTo("Gen.CrossLibrary");
        await Assert.That(ChatBackends.Create("gen-cross-backend", new BackendSettings()).ToString()).IsEqualTo("library");

        var window = await Conversations.PrepareAsync(
            MemoryPolicies.Create("gen-cross-library"),
            1000,
            ("u1", "user", "q1"),
            ("a1", "assistant", "r1"),
            ("u2", "user", "q2"));
        await Assert.That(window.Report.Kept).IsEquivalentTo(["u2"]);
    }

    [Test]
    public async Task AnAssemblyThatDeclaresNothingButReferencesALibraryWithARegistryStillGetsOne()
    {
        var library = GeneratorRun.Run(TestCompilation.Create("Gen.CrossLibraryTwo", [("Library.cs", Library.Replace("gen-cross-", "gen-cross2-", StringComparison.Ordinal)), ("EchoClient.cs", BackendInputs.EchoClient)]));
        await Assert.That(library.Problems()).IsEmpty();

        var app = GeneratorRun.Run(TestCompilation.Create(
            "Gen.CrossAppEmpty",
            [("Program.cs", "namespace Sample.Empty; public static class Nothing { }")],
            additionalReferences: [MetadataReference.CreateFromImage(library.Emit())]));

        await Assert.That(app.Problems()).IsEmpty();
        await Assert.That(app.HintNames).IsEquivalentTo(["GenCrossAppEmptyRegistry.g.cs"]);
        await Assert.That(app.Source("GenCrossAppEmptyRegistry.g.cs")).Contains("global::FiniteMemory.Generated.GenCrossLibraryTwoRegistry.Register();");
        await Assert.That(app.Source("GenCrossAppEmptyRegistry.g.cs")).Contains("PolicyNames { get; } = global::System.Array.Empty<string>();");
    }

    [Test]
    public async Task AnAssemblyThatDeclaresNothingAndReferencesOnlyFiniteMemoryCoreGetsNoRegistry()
    {
        const string Plain = """
            using FiniteMemory.Policies;

            namespace Sample.Plain;

            public static class UsesCore
            {
                public static IMemoryPolicy Sliding => SlidingPolicy.Instance;
            }
            """;

        var minimal = GeneratorRun.Run(TestCompilation.Create("Gen.NothingMinimal", [("Plain.cs", Plain)], TestReferences.CoreOnly));
        await Assert.That(minimal.Problems()).IsEmpty();
        await Assert.That(minimal.HintNames).IsEmpty();

        // The same with everything the test process has loaded referenced (FiniteMemory.Core among many).
        var everything = GeneratorRun.Run(TestCompilation.Create("Gen.NothingEverything", [("Plain.cs", Plain)]));
        await Assert.That(everything.Problems()).IsEmpty();
        await Assert.That(everything.HintNames).IsEmpty();
    }
}

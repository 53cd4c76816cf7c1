using FiniteMemory.Generators.Tests.Inputs;
using FiniteMemory.Generators.Tests.Support;
using FiniteMemory.Policies;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Generators.Tests;

/// <summary>The assembly's registry: one file listing every policy and backend, sorted by name, that creates them by name and registers them at start-up.</summary>
public class RegistrySnapshotTests
{
    private const string Zeta = """
        using FiniteMemory.Policies;

        namespace Sample.Registry;

        [MemoryPolicy("gen-reg-zeta", Description = "Keeps \"quoted\" <things> & more.", Budget = 4096)]
        [KeepRecent]
        public partial class Zeta
        {
        }
        """;

    private const string Alpha = """
        using FiniteMemory.Policies;

        namespace Sample.Registry;

        [MemoryPolicy("Gen-Reg-Alpha")]
        [Pin]
        [KeepRecent(Contiguous = false)]
        internal partial class Alpha
        {
        }
        """;

    private const string Backend = """
        using FiniteMemory.Backends;
        using Microsoft.Extensions.AI;

        namespace Sample.Backends;

        internal static class RegistryBackends
        {
            [Backend("gen-reg-backend", Description = "Echoes.")]
            internal static IChatClient Create(BackendSettings settings) => new EchoClient("registry", settings);
        }
        """;

    [Test]
    public async Task TheRegistryListsPoliciesAndBackendsSortedByNameAndCreatesThemByName()
    {
        var run = GeneratorRun.Run(TestCompilation.Create(
            "Gen.Registry",
            [("Zeta.cs", Zeta), ("Alpha.cs", Alpha), ("Backend.cs", Backend), ("EchoClient.cs", BackendInputs.EchoClient)]));

        await Snapshot.Verify(run.Listing());
        await Assert.That(run.Problems()).IsEmpty();
        await Assert.That(run.HintNames).IsEquivalentTo(
            ["GenRegistryRegistry.g.cs", "Sample.Registry.Alpha.MemoryPolicy.g.cs", "Sample.Registry.Zeta.MemoryPolicy.g.cs"],
            CollectionOrdering.Matching);

        var registry = run.LoadRegistry();
        await Assert.That(registry.Type.FullName).IsEqualTo("FiniteMemory.Generated.GenRegistryRegistry");
        await Assert.That(registry.PolicyNames).IsEquivalentTo(["Gen-Reg-Alpha", "gen-reg-zeta"], CollectionOrdering.Matching);
        await Assert.That(registry.BackendNames).IsEquivalentTo(["gen-reg-backend"]);

        // Names match case-insensitively, surrounding spaces ignored; every call makes a new instance.
        var alpha = registry.CreatePolicy("gen-reg-alpha");
        await Assert.That(alpha.Name).IsEqualTo("Gen-Reg-Alpha");
        await Assert.That(alpha.GetType().FullName).IsEqualTo("Sample.Registry.Alpha");
        await Assert.That(registry.CreatePolicy(" GEN-REG-ALPHA ")).IsNotSameReferenceAs(alpha);
        await Assert.That(registry.CreatePolicy("gen-reg-zeta").Description).IsEqualTo("Keeps \"quoted\" <things> & more.");

        var unknown = Assert.Throws<ArgumentException>(() => registry.CreatePolicy("gen-reg-missing"));
        await Assert.That(unknown.ParamName).IsEqualTo("name");
        await Assert.That(unknown.Message).StartsWith(
            "Assembly Gen.Registry declares no policy 'gen-reg-missing'. It declares: Gen-Reg-Alpha, gen-reg-zeta. MemoryPolicies.Create(name) searches every registered assembly.");

        // Touching the registry ran its module initializer: the central registry knows the policies and their metadata.
        await Assert.That(MemoryPolicies.TryGet("gen-reg-zeta", out var zeta)).IsTrue();
        await Assert.That(zeta!.Budget).IsEqualTo(4096);
        await Assert.That(zeta.Assembly).IsEqualTo("Gen.Registry");
        await Assert.That(zeta.Stages).IsEquivalentTo(["KeepRecent"]);
        await Assert.That(MemoryPolicies.TryGet("gen-reg-alpha", out var registered)).IsTrue();
        await Assert.That(registered!.Stages).IsEquivalentTo(["Pin", "KeepRecent(Contiguous = false)"], CollectionOrdering.Matching);
        await Assert.That(registered.Create().GetType()).IsEqualTo(alpha.GetType());
    }

    [Test]
    public async Task AnAssemblyNameThatIsNotAnIdentifierGivesAValidRegistryName()
    {
        var run = GeneratorRun.Run(TestCompilation.Create(
            "7th-Gen.Registry Odd",
            [("Policy.cs", """
                using FiniteMemory.Policies;

                [MemoryPolicy("gen-reg-odd")]
                [KeepRecent]
                partial class OddPolicy
                {
                }
                """)]));

        await Assert.That(run.Problems()).IsEmpty();
        await Assert.That(run.HintNames).Contains("_7thGenRegistryOddRegistry.g.cs");
        await Assert.That(run.Source("_7thGenRegistryOddRegistry.g.cs")).Contains("\"7th-Gen.Registry Odd\"");
    }
}

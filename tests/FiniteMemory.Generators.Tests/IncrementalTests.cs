using FiniteMemory.Generators.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// Incremental caching, observed through the generator's tracked steps across two runs of one driver: edits
/// that cannot change the output leave the specs cached and write nothing again; an edit that does change a
/// policy regenerates that policy (and the registry) only.
/// </summary>
/// <remarks>
/// <c>ForAttributeWithMetadataName</c> runs its transform again whenever the compilation changed, so the model
/// steps report <c>Unchanged</c> (ran, equal result) where a purely syntactic step would report <c>Cached</c>;
/// either way nothing downstream runs again.
/// </remarks>
public class IncrementalTests
{
    private const string Policy = """
        using FiniteMemory;
        using FiniteMemory.Stages;
        using FiniteMemory.Policies;

        namespace Sample.Incremental;

        [MemoryPolicy("inc-first")]
        [KeepRecent(MaxTurns = 2)]
        public partial class FirstPolicy
        {
            [Stage]
            private static void Extra(MemoryFrame frame)
            {
                var kept = frame.Kept.Count;
            }
        }
        """;

    private const string Backend = """
        using FiniteMemory.Backends;
        using Microsoft.Extensions.AI;

        namespace Sample.Incremental;

        public sealed class IncrementalSettings
        {
            public int Size { get; set; }
        }

        public static class IncrementalBackends
        {
            [Backend("inc-backend")]
            public static IChatClient Create(IncrementalSettings settings) => null!;
        }
        """;

    private const string Unrelated = """
        namespace Sample.Incremental;

        public static class Unrelated
        {
            public static int Value => 1;
        }
        """;

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    [Test]
    public async Task AnEditInAnotherFileRunsNothingAgainAndWritesNothingAgain()
    {
        var first = GeneratorRun.Run(Create());
        await Assert.That(first.Problems()).IsEmpty();
        await Assert.That(first.Reasons(TrackingNames.PolicySpecs)).IsEquivalentTo([IncrementalStepRunReason.New]);

        var second = Rerun(first, "Unrelated.cs", Unrelated.Replace("Value => 1", "Value => 2", StringComparison.Ordinal));

        await Assert.That(second.Reasons(TrackingNames.PolicyModels).Except(CachedOrUnchanged)).IsEmpty();
        await Assert.That(second.Reasons(TrackingNames.PolicySpecs)).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.Reasons(TrackingNames.BackendModels).Except(CachedOrUnchanged)).IsEmpty();
        await Assert.That(second.Reasons(TrackingNames.BackendSpecs)).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.Reasons(TrackingNames.AssemblyName).Except(CachedOrUnchanged)).IsEmpty();
        await Assert.That(second.Reasons(TrackingNames.ReferencedRegistries).Except(CachedOrUnchanged)).IsEmpty();
        await Assert.That(second.Reasons(TrackingNames.Registry)).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.SourceOutputReasons().Distinct()).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.Listing()).IsEqualTo(first.Listing());
    }

    [Test]
    public async Task AnEditToAMethodBodyOrACommentInsideThePolicyLeavesItsModelUnchanged()
    {
        var first = GeneratorRun.Run(Create());

        var edited = Policy
            .Replace("var kept = frame.Kept.Count;", "var kept = frame.Kept.Count + 1; // counts one more", StringComparison.Ordinal)
            .Replace("public partial class FirstPolicy\n{\n", "public partial class FirstPolicy\n{\n    // A comment added inside the class, below its attributes.\n", StringComparison.Ordinal);
        await Assert.That(edited).IsNotEqualTo(Policy);
        var second = Rerun(first, "Policy.cs", edited);

        // The policy's file changed, so its transform ran again, and produced an equal model: no location in it moved.
        await Assert.That(second.Reasons(TrackingNames.PolicyModels)).IsEquivalentTo([IncrementalStepRunReason.Unchanged]);
        await Assert.That(second.Reasons(TrackingNames.PolicySpecs)).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.Reasons(TrackingNames.Registry)).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.SourceOutputReasons().Distinct()).IsEquivalentTo([IncrementalStepRunReason.Cached]);
    }

    [Test]
    public async Task MovingThePolicyDownItsFileChangesItsModelButNotItsSpecSoNothingIsWrittenAgain()
    {
        var first = GeneratorRun.Run(Create());

        var second = Rerun(first, "Policy.cs", Policy.Replace("namespace Sample.Incremental;", "// A new first line moves everything down.\nnamespace Sample.Incremental;", StringComparison.Ordinal));

        // The model carries the name's location (for the duplicate-name diagnostic), which moved; the spec did not change.
        await Assert.That(second.Reasons(TrackingNames.PolicyModels)).IsEquivalentTo([IncrementalStepRunReason.Modified]);
        await Assert.That(second.Reasons(TrackingNames.PolicySpecs)).IsEquivalentTo([IncrementalStepRunReason.Unchanged]);
        await Assert.That(second.Reasons(TrackingNames.Registry).Except(CachedOrUnchanged)).IsEmpty();
        await Assert.That(second.SourceOutputReasons().Distinct()).IsEquivalentTo([IncrementalStepRunReason.Cached]);
    }

    [Test]
    public async Task ChangingAnAttributeArgumentRegeneratesThatPolicyAndTheRegistryOnly()
    {
        var first = GeneratorRun.Run(Create(("Second.cs", SecondPolicy)));
        await Assert.That(first.Problems()).IsEmpty();

        var second = Rerun(first, "Policy.cs", Policy.Replace("MaxTurns = 2", "MaxTurns = 3", StringComparison.Ordinal));

        await Assert.That(second.Reasons<PolicyModel>(TrackingNames.PolicyModels, m => m.Name == "inc-first")).IsEquivalentTo([IncrementalStepRunReason.Modified]);
        await Assert.That(second.Reasons<PolicyModel>(TrackingNames.PolicyModels, m => m.Name == "inc-second").Except(CachedOrUnchanged)).IsEmpty();
        await Assert.That(second.Reasons<PolicySpec>(TrackingNames.PolicySpecs, s => s.Name == "inc-first")).IsEquivalentTo([IncrementalStepRunReason.Modified]);
        await Assert.That(second.Reasons<PolicySpec>(TrackingNames.PolicySpecs, s => s.Name == "inc-second")).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.Reasons(TrackingNames.BackendSpecs)).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.Reasons(TrackingNames.Registry)).IsEquivalentTo([IncrementalStepRunReason.Modified]);

        // Two files written again (the policy and the registry, whose listing shows the argument); the other
        // policy's output and the (empty) diagnostics output stay cached.
        var written = second.SourceOutputReasons();
        await Assert.That(written.Count(r => r == IncrementalStepRunReason.Modified)).IsEqualTo(2);
        await Assert.That(written.Count(r => r == IncrementalStepRunReason.Cached)).IsEqualTo(2);
        await Assert.That(written.Count).IsEqualTo(4);
        await Assert.That(second.Source("Sample.Incremental.FirstPolicy.MemoryPolicy.g.cs")).Contains("KeepRecentStage.Run(frame, maxTurns: 3);");
        await Assert.That(second.Source("Sample.Incremental.SecondPolicy.MemoryPolicy.g.cs")).IsEqualTo(first.Source("Sample.Incremental.SecondPolicy.MemoryPolicy.g.cs"));
    }

    [Test]
    public async Task AddingAPolicyInANewFileLeavesTheFirstCachedAndAddsTheSecondAsNew()
    {
        var first = GeneratorRun.Run(Create());
        var compilation = first.Input.AddSyntaxTrees(TestCompilation.Parse("Second.cs", SecondPolicy));

        var second = GeneratorRun.Run(compilation, first.Driver);

        await Assert.That(second.Problems()).IsEmpty();
        await Assert.That(second.Reasons<PolicyModel>(TrackingNames.PolicyModels, m => m.Name == "inc-first").Except(CachedOrUnchanged)).IsEmpty();
        await Assert.That(second.Reasons<PolicyModel>(TrackingNames.PolicyModels, m => m.Name == "inc-second")).IsEquivalentTo([IncrementalStepRunReason.New]);
        await Assert.That(second.Reasons<PolicySpec>(TrackingNames.PolicySpecs, s => s.Name == "inc-first")).IsEquivalentTo([IncrementalStepRunReason.Cached]);
        await Assert.That(second.Reasons<PolicySpec>(TrackingNames.PolicySpecs, s => s.Name == "inc-second")).IsEquivalentTo([IncrementalStepRunReason.New]);
        await Assert.That(second.Reasons(TrackingNames.Registry)).IsEquivalentTo([IncrementalStepRunReason.Modified]);
        await Assert.That(second.Source("GenIncrementalRegistry.g.cs")).Contains("\"inc-second\"");
    }

    [Test]
    public async Task DiagnosticsOfAnUnchangedPolicyAreStillReportedAfterAnUnrelatedEdit()
    {
        var broken = Policy.Replace("public partial class FirstPolicy", "public class FirstPolicy", StringComparison.Ordinal);
        var first = GeneratorRun.Run(Create(("Policy.cs", broken)));
        await Assert.That(first.Diagnostics.Select(d => d.Id)).IsEquivalentTo(["FM1002"]);

        var second = Rerun(first, "Unrelated.cs", Unrelated.Replace("Value => 1", "Value => 3", StringComparison.Ordinal));

        await Assert.That(second.Reasons(TrackingNames.PolicyModels).Except(CachedOrUnchanged)).IsEmpty();
        await Assert.That(second.Diagnostics.Select(GeneratorRun.Format)).IsEquivalentTo(first.Diagnostics.Select(GeneratorRun.Format));
    }

    private const string SecondPolicy = """
        using FiniteMemory.Policies;

        namespace Sample.Incremental;

        [MemoryPolicy("inc-second")]
        [Select]
        public partial class SecondPolicy
        {
        }
        """;

    // The default files, with any replaced or added by name.
    private static CSharpCompilation Create(params (string Path, string Text)[] files)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Policy.cs"] = Policy,
            ["Backend.cs"] = Backend,
            ["Unrelated.cs"] = Unrelated,
        };
        foreach (var (path, text) in files)
        {
            sources[path] = text;
        }

        return TestCompilation.Create("Gen.Incremental", sources.Select(s => (s.Key, s.Value)));
    }

    private static GeneratorRun Rerun(GeneratorRun previous, string path, string text)
    {
        var old = previous.Input.SyntaxTrees.Single(t => t.FilePath == path);
        return GeneratorRun.Run(previous.Input.ReplaceSyntaxTree(old, TestCompilation.Parse(path, text)), previous.Driver);
    }
}

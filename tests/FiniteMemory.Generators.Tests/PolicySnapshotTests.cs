using FiniteMemory.Generators.Tests.Inputs;
using FiniteMemory.Generators.Tests.Support;
using FiniteMemory.Policies;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// What the generator writes for [MemoryPolicy] classes, pinned by snapshots, and proof that it works: the
/// output compiles with no error and no warning in generated code, and the policy it produces, run by a real
/// <c>MemorySession</c>, keeps exactly what its stages say. Every message costs 10 tokens (see <see cref="FixedCostTokenCounter"/>).
/// </summary>
public class PolicySnapshotTests
{
    private static readonly (string Id, string Role, string Text)[] ThreeTurns =
    [
        ("s", "system", "Be brief."),
        ("u1", "user", "First question."),
        ("a1", "assistant", "First answer."),
        ("u2", "user", "Second question."),
        ("a2", "assistant", "Second answer."),
        ("u3", "user", "Third question."),
    ];

    [Test]
    public async Task AMinimalPolicyCallsItsOneStageAndKeepsTheNewestMessagesThatFit()
    {
        var run = GeneratorRun.Run(PolicyInputs.Minimal);

        await Snapshot.Verify(run.Listing());
        await Assert.That(run.Problems()).IsEmpty();

        var policy = run.LoadRegistry().CreatePolicy("gen-minimal");
        await Assert.That(policy.Name).IsEqualTo("gen-minimal");
        await Assert.That(policy.Description).IsEqualTo("KeepRecent");

        // 40 tokens: the system message and the query are mandatory, KeepRecent fills the other two slots from the end.
        var window = await Conversations.PrepareAsync(policy, 40, ThreeTurns);
        await Assert.That(window.Report.Kept).IsEquivalentTo(["s", "u2", "a2", "u3"], CollectionOrdering.Matching);
        await Assert.That(window.Report.Evicted).IsEquivalentTo(["u1", "a1"], CollectionOrdering.Matching);
    }

    [Test]
    public async Task StageAttributesRunInDeclarationOrderWithTheirArguments()
    {
        var run = GeneratorRun.Run(PolicyInputs.Staged);

        await Snapshot.Verify(run.Listing());
        await Assert.That(run.Problems()).IsEmpty();

        var registry = run.LoadRegistry();
        (string, string, string)[] sixTurns =
        [
            ("s", "system", "Be brief."),
            ("u1", "user", "q1"), ("a1", "assistant", "r1"),
            ("u2", "user", "q2"), ("a2", "assistant", "r2"),
            ("u3", "user", "q3"), ("a3", "assistant", "r3"),
            ("u4", "user", "q4"), ("a4", "assistant", "r4"),
            ("u5", "user", "q5"), ("a5", "assistant", "r5"),
            ("u6", "user", "q6"),
        ];

        // Budget 100: Pin(FirstTurns = 1) keeps u1 and a1; BudgetShare = 0.5 stops KeepRecent after 50 tokens (a5 back to a3);
        // Truncate(MinTokens = 32) does nothing with 10 tokens left.
        var shared = await Conversations.PrepareAsync(registry.CreatePolicy("gen-staged"), 100, sixTurns);
        await Assert.That(shared.Report.Kept).IsEquivalentTo(["s", "u1", "a1", "a3", "u4", "a4", "u5", "a5", "u6"], CollectionOrdering.Matching);

        // Budget 140: MaxTurns = 4 stops KeepRecent at turn 3 with 40 tokens left; MinTokens = 32 (not the default 64)
        // lets Truncate spend them on a2, the newest message left out.
        var turns = await Conversations.PrepareAsync(registry.CreatePolicy("gen-staged"), 140, sixTurns);
        await Assert.That(turns.Report.Kept).IsEquivalentTo(["s", "u1", "a1", "a2", "u3", "a3", "u4", "a4", "u5", "a5", "u6"], CollectionOrdering.Matching);
        await Assert.That(turns.Report.Evicted).IsEquivalentTo(["u2"], CollectionOrdering.Matching);

        await Assert.That(MemoryPolicies.TryGet("gen-staged", out var registration)).IsTrue();
        await Assert.That(registration!.Description).IsEqualTo("Opening, recent turns, selection, then a filler.");
        await Assert.That(registration.Stages).IsEquivalentTo(["Pin(FirstTurns = 1)", "KeepRecent(MaxTurns = 4, BudgetShare = 0.5)", "Select", "Truncate(MinTokens = 32)"], CollectionOrdering.Matching);
        await Assert.That(registration.Budget).IsNull();
    }

    [Test]
    public async Task StageMethodsRunWhereTheirOrderingPutsThemAndAwaitableOnesAreAwaited()
    {
        var run = GeneratorRun.Run(PolicyInputs.StageMethods);

        await Snapshot.Verify(run.Listing());
        await Assert.That(run.Problems()).IsEmpty();

        var registry = run.LoadRegistry();
        var window = await Conversations.PrepareAsync(
            registry.CreatePolicy("gen-stage-methods"),
            1000,
            ("s", "system", "Be brief."),
            ("u1", "user", "Is apricot jam sweet?"),
            ("a1", "assistant", "Yes, apricot jam is sweet."),
            ("u2", "user", "When do trains leave?"),
            ("a2", "assistant", "Hourly."),
            ("u3", "user", "Any hotels?"),
            ("a3", "assistant", "Two near the station."),
            ("u4", "user", "Thanks."));

        // KeepRecent(MaxTurns = 2) keeps turn 3, then Trace (after KeepRecent) and Score (before Select) see four
        // kept groups; Select keeps what Score scored; Audit (no ordering) runs last and sees Select's choice.
        var calls = (List<string>)registry.GetStatic("Sample.Methods.StageLog", "Calls")!;
        await Assert.That(calls).IsEquivalentTo(["Trace: 4 kept", "Score: 4 kept", "Audit: System, Query, Recent, Recent, Selected, Selected"], CollectionOrdering.Matching);
        await Assert.That(window.Report.Kept).IsEquivalentTo(["s", "u1", "a1", "u3", "a3", "u4"], CollectionOrdering.Matching);

        await Assert.That(MemoryPolicies.TryGet("gen-stage-methods", out var registration)).IsTrue();
        await Assert.That(registration!.Budget).IsEqualTo(1000);
        await Assert.That(registration.Stages).IsEquivalentTo(["KeepRecent(MaxTurns = 2)", "Trace()", "Score()", "Select", "Audit()"], CollectionOrdering.Matching);
        await Assert.That(registration.Description).IsEqualTo("KeepRecent(MaxTurns = 2) → Trace() → Score() → Select → Audit()");
    }

    [Test]
    public async Task NestedAndGlobalNamespacePoliciesAreGeneratedInsideTheirContainingTypes()
    {
        var run = GeneratorRun.Run(PolicyInputs.NestedAndGlobal);

        await Snapshot.Verify(run.Listing());
        await Assert.That(run.Problems()).IsEmpty();
        await Assert.That(run.HintNames).Contains("Outer.Middle.InnerPolicy.MemoryPolicy.g.cs");
        await Assert.That(run.HintNames).Contains("GlobalPolicy.MemoryPolicy.g.cs");

        (string, string, string)[] messages =
        [
            ("s", "system", "Be brief."),
            ("u1", "user", "q1"), ("a1", "assistant", "r1"),
            ("u2", "user", "q2"), ("a2", "assistant", "r2"),
            ("u3", "user", "q3"), ("a3", "assistant", "r3, still answering q3"),
        ];
        var registry = run.LoadRegistry();

        // MaxTurns = 1: only the current turn, the query and what came after it.
        var nested = await Conversations.PrepareAsync(registry.CreatePolicy("gen-nested"), 1000, messages);
        await Assert.That(nested.Report.Kept).IsEquivalentTo(["s", "u3", "a3"], CollectionOrdering.Matching);

        // MaxTokens = 20: two more messages from the end.
        var global = await Conversations.PrepareAsync(registry.CreatePolicy("gen-global"), 1000, messages);
        await Assert.That(global.Report.Kept).IsEquivalentTo(["s", "a2", "u3", "a3"], CollectionOrdering.Matching);
    }

    [Test]
    public async Task AUserStageAttributeGetsItsArgumentsAndAServiceFromThePolicy()
    {
        var run = GeneratorRun.Run(PolicyInputs.CustomStage);

        await Snapshot.Verify(run.Listing());
        await Assert.That(run.Problems()).IsEmpty();

        var registry = run.LoadRegistry();
        var window = await Conversations.PrepareAsync(
            registry.CreatePolicy("gen-keyword"),
            1000,
            ("s", "system", "Be brief."),
            ("u1", "user", "Apricot jam?"),
            ("a1", "assistant", "Plenty of apricot."),
            ("u2", "user", "Trains?"),
            ("a2", "assistant", "Apricot Express runs hourly."),
            ("u3", "user", "Thanks."));

        // The policy's Keywords property supplies "Apricot"; CaseSensitive = true leaves out a1 ("apricot"); Select keeps the rest.
        await Assert.That(window.Report.Kept).IsEquivalentTo(["s", "u1", "a2", "u3"], CollectionOrdering.Matching);
        await Assert.That(window.Messages.Where(m => m.Reason == KeepReason.Selected).Select(m => m.Id)).IsEquivalentTo(["u1", "a2"], CollectionOrdering.Matching);
        await Assert.That(registry.GetStatic("Sample.Custom.KeywordScorer", "LastReason")).IsEqualTo("fruit questions");
    }
}

using Microsoft.Extensions.AI;
using FiniteMemory.Policies;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Policies;

/// <summary>Policies declared with attributes in this assembly, run by the engine: the generated pipelines do what their stages say.</summary>
public class DeclaredPolicyTests
{
    private static readonly ITokenCounter Counter = TokenCounter.Default;

    private static MemorySession Session(IMemoryPolicy policy, int budget, int turns, Func<int, string>? user = null)
    {
        var session = new MemorySession(new MemoryOptions { Budget = budget, Policy = policy, TokenCounter = Counter });
        session.Add(new ChatMessage(ChatRole.System, "You plan trips."), id: "sys");
        for (var t = 1; t <= turns; t++)
        {
            session.Add(Chat.User(user?.Invoke(t) ?? $"Question {t} about the itinerary and the museums in town number {t}."), id: $"u{t}");
            if (t < turns)
            {
                session.Add(Chat.Assistant($"Answer {t}: the museums open at nine and the itinerary has stop {t}."), id: $"a{t}");
            }
        }

        return session;
    }

    [Test]
    public async Task PinFirstTurnsKeepsTheOpeningBeforeTheNewestTurns()
    {
        var window = await Session(MemoryPolicies.Create("test-opening"), budget: 260, turns: 30).PrepareAsync();

        var kept = window.Report.Kept;
        await Assert.That(kept).Contains("u1");
        await Assert.That(kept).Contains("a1");
        await Assert.That(kept).Contains("u30");
        await Assert.That(kept).DoesNotContain("u2");
        await Assert.That(window.Messages.Where(m => m.Id is "u1" or "a1").All(m => m.Reason == KeepReason.Opening)).IsTrue();

        // The same budget under sliding has no room for the opening.
        var sliding = await Session(SlidingPolicy.Instance, budget: 260, turns: 30).PrepareAsync();
        await Assert.That(sliding.Report.Kept).DoesNotContain("u1");
    }

    [Test]
    public async Task KeepRecentMaxTurnsStopsAtTheTurnLimitWhateverRoomIsLeft()
    {
        var window = await Session(MemoryPolicies.Create("test-last-two"), budget: 100_000, turns: 12).PrepareAsync();

        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "sys", "u11", "a11", "u12" });
    }

    [Test]
    public async Task StagesRunInTheDeclaredOrderWithMethodStagesWhereTheirOrderingSays()
    {
        var policy = (EverythingPolicy)MemoryPolicies.Create("test-everything");
        await Session(policy, budget: 400, turns: 20).PrepareAsync();

        await Assert.That(policy.Trace.Count).IsEqualTo(2);
        await Assert.That(policy.Trace[0]).IsEqualTo("ScoreOverlap");
        await Assert.That(policy.Trace[1]).StartsWith("BeforeTruncate:");
    }

    [Test]
    public async Task ScoredOlderMessagesAreSelectedAndLeftoverRoomGoesToATruncatedCopy()
    {
        // Turn 3 mentions the passport; the newest question asks about it again.
        var policy = MemoryPolicies.Create("test-everything");
        var session = Session(policy, budget: 420, turns: 25, t => t switch
        {
            3 => "My passport number is X1234567 and it expires in March 2031; remember it.",
            25 => "Which passport number did I give you, and when does the passport expire?",
            _ => $"Question {t} about the itinerary and the museums in town number {t}.",
        });
        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Kept).Contains("u3");
        await Assert.That(window.Messages.First(m => m.Id == "u3").Reason).IsEqualTo(KeepReason.Selected);
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(window.Available);

        // BudgetShare = 0.5: recent turns take at most half the budget, so the selected message found room.
        var recentTokens = window.Messages.Where(m => m.Reason == KeepReason.Recent && !m.Truncated).Sum(m => m.Tokens);
        await Assert.That(recentTokens).IsLessThanOrEqualTo(420 / 2);
    }

    [Test]
    public async Task AStageAttributeOfYourOwnGetsItsArgumentsAndItsServiceFromThePolicy()
    {
        var policy = (KeywordPolicy)MemoryPolicies.Create("test-keyword");
        var session = Session(policy, budget: 100_000, turns: 15, t => t is 2 or 5 or 9 ? $"Turn {t}: bring the passport." : $"Turn {t}: plain question.");
        var window = await session.PrepareAsync();

        // Limit = 2: the two newest passport turns, then MaxTurns = 1.
        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "sys", "u5", "u9", "u15" });
        await Assert.That(policy.Log.Lines).IsEquivalentTo(new[] { "passport:2" });
    }

    [Test]
    public async Task TheGeneratedBuildChecksCancellationBetweenStages()
    {
        using var policy = new CancellingPolicy();
        var transcript = Transcript.From([Chat.User("hello"), Chat.Assistant("hi"), Chat.User("again")], Counter);
        var frame = new MemoryFrame(transcript, policy.Name, 1000, 0, 1.0);

        await Assert.ThrowsAsync<OperationCanceledException>(async () => await policy.BuildAsync(frame, policy.Source.Token));
        await Assert.That(policy.Ran).IsEquivalentTo(new[] { "First" });
    }
}

using Microsoft.Extensions.AI;
using FiniteMemory.Engine;
using FiniteMemory.Memory;
using FiniteMemory.Sessions;
using FiniteMemory.Stages;
using FiniteMemory.Tests.Support;

namespace FiniteMemory.Tests.Stages;

public class StageTests
{
    private static MemorySession Conversation(int budget, Action<MemoryFrame> policy, int turns = 6)
    {
        var session = new MemorySession(new MemoryOptions { Budget = budget, Policy = new DelegatePolicy("test", policy) });
        session.Add(new ChatMessage(ChatRole.System, "system"), id: "s");
        for (var t = 1; t <= turns; t++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"question {t}"), id: $"u{t}");
            if (t < turns)
            {
                session.Add(new ChatMessage(ChatRole.Assistant, $"answer {t}"), id: $"a{t}");
            }
        }

        return session;
    }

    [Test]
    public async Task KeepRecentLimitedToOneTurnKeepsOnlyTheTurnInProgress()
    {
        var window = await Conversation(10_000, f => KeepRecentStage.Run(f, maxTurns: 2)).PrepareAsync();
        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "s", "u5", "a5", "u6" });
    }

    [Test]
    public async Task KeepRecentSpendsNoMoreThanItsTokenAllowance()
    {
        MemoryFrame? seen = null;
        var window = await Conversation(10_000, f =>
        {
            var before = f.Used;
            KeepRecentStage.Run(f, maxTokens: 20);
            if (f.Used - before > 20)
            {
                throw new InvalidOperationException("over allowance");
            }

            seen = f;
        }).PrepareAsync();

        await Assert.That(seen).IsNotNull();
        await Assert.That(window.Report.Fallback).IsNull();
        await Assert.That(window.Report.Kept.Count).IsLessThan(11);
    }

    [Test]
    public async Task KeepRecentWithoutContiguityFillsGapsWithOlderSmallerGroups()
    {
        var session = new MemorySession(new MemoryOptions
        {
            Budget = 60,
            Policy = new DelegatePolicy("gaps", f => KeepRecentStage.Run(f, contiguous: false)),
        });
        session.Add(new ChatMessage(ChatRole.User, "tiny"), id: "old");
        session.Add(new ChatMessage(ChatRole.Assistant, string.Join(" ", Enumerable.Repeat("big", 100))), id: "big");
        session.Add(new ChatMessage(ChatRole.User, "now"), id: "now");

        var window = await session.PrepareAsync();
        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "old", "now" });
    }

    [Test]
    public async Task SelectPrefersTheMostScorePerTokenWithinTheBudget()
    {
        var session = new MemorySession(new MemoryOptions
        {
            Budget = 45,
            Policy = new DelegatePolicy("select", f =>
            {
                // Groups: 0 "cheap", 1 "pricey" (long), 2 "useless", 3 the query.
                f.Scores[0] = 1f;
                f.Scores[1] = 2f;
                f.Scores[2] = 0f;
                SelectStage.Run(f);
            }),
        });
        session.Add(new ChatMessage(ChatRole.Assistant, "cheap fact"), id: "cheap");
        session.Add(new ChatMessage(ChatRole.Assistant, string.Join(" ", Enumerable.Repeat("pricey", 30))), id: "pricey");
        session.Add(new ChatMessage(ChatRole.Assistant, "useless"), id: "useless");
        session.Add(new ChatMessage(ChatRole.User, "q"), id: "q");

        var window = await session.PrepareAsync();
        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "cheap", "q" });
        await Assert.That(window.Messages[0].Reason).IsEqualTo(KeepReason.Selected);
    }

    [Test]
    public async Task MandatoryGroupsAndTheQueryCannotBeReleased()
    {
        var released = new List<bool>();
        var window = await Conversation(10_000, f =>
        {
            KeepRecentStage.Run(f);
            released.Add(f.Release(0));            // the system message
            released.Add(f.Release(f.QueryGroup)); // the newest user message
            released.Add(f.Release(f.QueryGroup - 1)); // the previous answer
        }).PrepareAsync();

        await Assert.That(released).IsEquivalentTo(new[] { false, false, true });
        await Assert.That(window.Report.Kept).Contains("s");
        await Assert.That(window.Report.Kept).Contains("u6");
        await Assert.That(window.Report.Kept).DoesNotContain("a5");
    }

    [Test]
    public async Task TheWindowIsChronologicalWhateverOrderGroupsWereKeptIn()
    {
        var window = await Conversation(10_000, f =>
        {
            for (var g = 0; g < f.GroupCount; g++)
            {
                f.TryKeep(g, KeepReason.Selected);
            }
        }).PrepareAsync();

        await Assert.That(window.Messages.Select(m => m.Index)).IsInOrder();
        await Assert.That(window.Messages.Count).IsEqualTo(12);
        await Assert.That(window.Messages[0].Reason).IsEqualTo(KeepReason.System);
        await Assert.That(window.Messages[^1].Reason).IsEqualTo(KeepReason.Query);
    }

    [Test]
    public async Task TryKeepRefusesAGroupThatDoesNotFit()
    {
        bool? kept = null;
        await Conversation(20, f => kept = f.TryKeep(1, KeepReason.Selected)).PrepareAsync();
        await Assert.That(kept).IsFalse();
    }
}

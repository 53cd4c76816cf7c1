using Microsoft.Extensions.AI;
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
    public async Task SelectKeepsTheGroupsWhoseScoresAddUpToTheMostWithinTheBudget()
    {
        // "cheap" has the best score per token, but "pricey" alone is worth more and the two do not fit together.
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
        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "pricey", "q" });
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

    [Test]
    public async Task KeepRecentWithABudgetShareSpendsAtMostThatShareOfTheBudget()
    {
        var spent = -1;
        var budget = -1;
        await Conversation(600, f =>
        {
            var before = f.Used;
            KeepRecentStage.Run(f, budgetShare: 0.25);
            spent = f.Used - before;
            budget = f.Budget;
        }, turns: 40).PrepareAsync();

        await Assert.That(spent).IsGreaterThan(0);
        await Assert.That(spent).IsLessThanOrEqualTo(budget / 4);
    }

    [Test]
    public async Task KeepRecentRejectsABudgetShareOutsideZeroToOne()
    {
        foreach (var share in new[] { 0.0, -0.5, 1.01, double.NaN })
        {
            var window = await Conversation(1000, f => KeepRecentStage.Run(f, budgetShare: share)).PrepareAsync();

            // The policy threw; the engine fell back to sliding and said why.
            await Assert.That(window.Report.Fallback).Contains("budget share");
        }
    }

    [Test]
    public async Task KeepOpeningKeepsTheFirstTurnsOldestFirstAndNothingForZero()
    {
        var window = await Conversation(10_000, f => PinStage.KeepOpening(f, firstTurns: 2), turns: 8).PrepareAsync();
        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "s", "u1", "a1", "u2", "a2", "u8" });
        await Assert.That(window.Messages.Where(m => m.Id is "u1" or "a2").All(m => m.Reason == KeepReason.Opening)).IsTrue();

        var none = await Conversation(10_000, f => PinStage.KeepOpening(f, firstTurns: 0), turns: 8).PrepareAsync();
        await Assert.That(none.Report.Kept).IsEquivalentTo(new[] { "s", "u8" });
    }

    [Test]
    public async Task KeepOpeningSkipsAGroupThatDoesNotFitAndStaysWithinBudget()
    {
        var session = new MemorySession(new MemoryOptions { Budget = 120, Policy = new DelegatePolicy("test", f => PinStage.KeepOpening(f, firstTurns: 1)) });
        session.Add(new ChatMessage(ChatRole.User, "short opening"), id: "u1");
        session.Add(new ChatMessage(ChatRole.Assistant, string.Join(" ", Enumerable.Repeat("a very long answer", 60))), id: "a1");
        session.Add(new ChatMessage(ChatRole.User, "next"), id: "u2");
        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "u1", "u2" });
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(window.Available);
    }

    [Test]
    public async Task FillRemainingAddsAShortenedCopyOfTheNewestMissingGroup()
    {
        var long1 = string.Join(" ", Enumerable.Range(0, 300).Select(i => $"word{i}"));
        var session = new MemorySession(new MemoryOptions
        {
            Budget = 200,
            Policy = new DelegatePolicy("test", f => TruncateStage.FillRemaining(f, minTokens: 16)),
        });
        session.Add(new ChatMessage(ChatRole.User, "first"), id: "u1");
        session.Add(new ChatMessage(ChatRole.Assistant, long1), id: "a1");
        session.Add(new ChatMessage(ChatRole.User, "what did you say?"), id: "u2");
        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "a1", "u2" });
        await Assert.That(window.Report.Truncated).IsEquivalentTo(new[] { "a1" });
        var copy = window.Messages.First(m => m.Id == "a1").Message.Text;
        await Assert.That(copy).Contains("word0");
        await Assert.That(copy).Contains("word299");
        await Assert.That(copy).Contains("truncated by FiniteMemory");
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(window.Available);

        // The transcript keeps the message whole.
        await Assert.That(session.Transcript[1].Message.Text).IsEqualTo(long1);
    }

    [Test]
    public async Task FillRemainingDoesNothingWhenLessThanItsMinimumRemains()
    {
        var remaining = -1;
        var added = true;
        var window = await Conversation(10_000, f =>
        {
            KeepRecentStage.Run(f);
            remaining = f.Remaining;
            added = TruncateStage.FillRemaining(f, minTokens: remaining + 1);
        }).PrepareAsync();

        await Assert.That(added).IsFalse();
        await Assert.That(window.Report.Truncated).IsEmpty();
    }

    [Test]
    public async Task WhatStagesReportThroughTheFrameIsCountedInTheBuildsStats()
    {
        var window = await Conversation(10_000, f =>
        {
            KeepRecentStage.Run(f, maxTurns: 2);
            f.ReportSummaryCreated();
            f.ReportSummaryCreated();
            f.ReportImportanceScored();

            // Every older message in one topic (partly kept), the newest question alone in another (wholly kept).
            var clusters = new int[f.GroupCount];
            Array.Fill(clusters, 0);
            clusters[0] = -1;
            clusters[f.QueryGroup] = 1;
            f.ReportClusters(clusters);
        }).PrepareAsync();

        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "s", "u5", "a5", "u6" });
        await Assert.That(window.Stats.SummariesCreated).IsEqualTo(2);
        await Assert.That(window.Stats.ClustersMerged).IsEqualTo(1);

        // A sliding window over this budget keeps everything: the eight older messages are importance evictions.
        await Assert.That(window.Stats.ImportanceEvictions).IsEqualTo(8);
    }

    [Test]
    public async Task NothingReportedCountsNothing()
    {
        var window = await Conversation(10_000, f => KeepRecentStage.Run(f, maxTurns: 2)).PrepareAsync();

        await Assert.That(window.Stats.SummariesCreated).IsEqualTo(0);
        await Assert.That(window.Stats.ClustersMerged).IsEqualTo(0);
        await Assert.That(window.Stats.ImportanceEvictions).IsEqualTo(0);
    }

    [Test]
    public async Task ClustersWithoutOneSlotPerGroupAreRefusedAndTheBuildFallsBack()
    {
        var window = await Conversation(10_000, f =>
        {
            f.ReportSummaryCreated();
            f.ReportClusters(new int[f.GroupCount + 1]);
        }).PrepareAsync();

        await Assert.That(window.Report.Fallback).Contains("one slot per group (12), not 13");
        await Assert.That(window.Stats.SummariesCreated).IsEqualTo(0);
        await Assert.That(window.Stats.ClustersMerged).IsEqualTo(0);
    }
}

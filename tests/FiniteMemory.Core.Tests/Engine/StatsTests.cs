using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Engine;

/// <summary>
/// Statistics checked against numbers computed by hand: every message costs 10 tokens and the budget holds
/// exactly three messages, so each window is the newest three messages of the conversation.
/// </summary>
public class StatsTests
{
    private const int PerMessage = 10;
    private const int Budget = 30;

    private static MemorySession NewSession(FakeChatClient fake) =>
        new(fake, new MemoryOptions { Budget = Budget, TokenCounter = new FixedCostTokenCounter(PerMessage) });

    private static async Task<List<TurnStats>> ChatTurnsAsync(MemorySession session, int turns)
    {
        var stats = new List<TurnStats>();
        for (var turn = 1; turn <= turns; turn++)
        {
            await session.ChatAsync("question " + turn);
            stats.Add(session.LastWindow!.Stats);
        }

        return stats;
    }

    [Test]
    [Arguments(1, 1, 10, 1, 10, 0, 0)]
    [Arguments(2, 3, 30, 3, 30, 0, 0)]
    [Arguments(3, 5, 50, 3, 30, 2, 2)]
    [Arguments(4, 7, 70, 3, 30, 4, 2)]
    [Arguments(5, 9, 90, 3, 30, 6, 2)]
    public async Task EachTurnsStatsMatchTheHandComputedNumbers(int turn, int seen, int tokensSeen, int retained, int tokensRetained, int evicted, int newlyEvicted)
    {
        var session = NewSession(new FakeChatClient());
        var all = await ChatTurnsAsync(session, 5);
        var stats = all[turn - 1];

        await Assert.That(stats.Turn).IsEqualTo(turn);
        await Assert.That(stats.Policy).IsEqualTo("sliding");
        await Assert.That(stats.Budget).IsEqualTo(Budget);
        await Assert.That(stats.MessagesSeen).IsEqualTo(seen);
        await Assert.That(stats.TokensSeen).IsEqualTo(tokensSeen);
        await Assert.That(stats.MessagesRetained).IsEqualTo(retained);
        await Assert.That(stats.TokensRetained).IsEqualTo(tokensRetained);
        await Assert.That(stats.CompressionRatio).IsEqualTo((double)tokensSeen / tokensRetained);
        await Assert.That(stats.Evicted).IsEqualTo(evicted);
        await Assert.That(stats.NewlyEvicted).IsEqualTo(newlyEvicted);
        await Assert.That(stats.Truncated).IsEqualTo(0);
        await Assert.That(stats.Fallback).IsNull();
        await Assert.That(stats.PolicyLatency).IsGreaterThanOrEqualTo(TimeSpan.Zero);
    }

    [Test]
    public async Task CumulativeStatsAreTheSumsOfTheTurns()
    {
        var session = NewSession(new FakeChatClient());
        var turns = await ChatTurnsAsync(session, 5);
        var stats = session.Stats;

        // Windows: [u1] [u1 a1 u2] [u2 a2 u3] [u3 a3 u4] [u4 a4 u5]; u1 a1, u2 a2 and u3 a3 each dropped out once.
        await Assert.That(stats.PolicyCalls).IsEqualTo(5);
        await Assert.That(stats.Turns).IsEqualTo(5);
        await Assert.That(stats.TokensSeen).IsEqualTo(10 + 30 + 50 + 70 + 90);
        await Assert.That(stats.TokensRetained).IsEqualTo(10 + 30 + 30 + 30 + 30);
        await Assert.That(stats.CompressionRatio).IsEqualTo(250.0 / 130.0);
        await Assert.That(stats.Evictions).IsEqualTo(6);
        await Assert.That(stats.Evictions).IsEqualTo(turns.Sum(t => (long)t.NewlyEvicted));
        await Assert.That(stats.Fallbacks).IsEqualTo(0);
        await Assert.That(stats.Truncations).IsEqualTo(0);
        await Assert.That(stats.CacheHits).IsEqualTo(0);
        await Assert.That(stats.CacheMisses).IsEqualTo(0);
        await Assert.That(stats.CalibrationRatio).IsEqualTo(1.0);
        await Assert.That(stats.LastTurn).IsEqualTo(turns[^1]);
    }

    [Test]
    public async Task AMessageThatDroppedOutOfViewIsNotCountedAgainByLaterBuilds()
    {
        var session = NewSession(new FakeChatClient());
        await ChatTurnsAsync(session, 3);
        var evictions = session.Stats.Evictions;
        session.Add(new ChatMessage(ChatRole.User, "one more question"));

        // The last window was [u2 a2 u3]; now the newest three are [u3 a3 u4], so u2 and a2 drop out.
        var first = await session.PrepareAsync();
        var again = await session.PrepareAsync();

        await Assert.That(first.Stats.NewlyEvicted).IsEqualTo(2);
        await Assert.That(again.Stats.NewlyEvicted).IsEqualTo(0);
        await Assert.That(again.Stats.Evicted).IsEqualTo(4);
        await Assert.That(session.Stats.Evictions).IsEqualTo(evictions + 2);
        await Assert.That(session.Stats.PolicyCalls).IsEqualTo(5);
        await Assert.That(session.Stats.Turns).IsEqualTo(3);
    }

    [Test]
    public async Task ARetriedTurnDoesNotCountTheSameEvictionsTwice()
    {
        // Turn 3 fails and is retried: u1 and a1 drop out of view once (MemoryStats.Evictions: "how many times a
        // message dropped out of view"), even though the failed attempt built a window too.
        var fake = new FakeChatClient(
            FakeReply.Say("a1"),
            FakeReply.Say("a2"),
            FakeReply.Fail(new InvalidOperationException("flaky provider")),
            FakeReply.Say("a3"));
        var session = NewSession(fake);
        await session.ChatAsync("u1");
        await session.ChatAsync("u2");
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ChatAsync("u3"));

        await session.ChatAsync("u3");

        await Assert.That(session.Transcript.Count).IsEqualTo(6);
        await Assert.That(string.Join(",", session.LastWindow!.Report.Evicted)).IsEqualTo(
            string.Join(",", session.Transcript[0].Id, session.Transcript[1].Id));
        await Assert.That(session.Stats.Evictions).IsEqualTo(2);
    }

    [Test]
    public async Task PolicyLatencyMaxIsAtLeastEveryBuildsLatencyAndTheTotalIsTheirSum()
    {
        var session = NewSession(new FakeChatClient());
        var turns = await ChatTurnsAsync(session, 6);
        var stats = session.Stats;

        foreach (var turn in turns)
        {
            await Assert.That(stats.PolicyLatencyMax).IsGreaterThanOrEqualTo(turn.PolicyLatency);
        }

        await Assert.That(stats.PolicyLatencyMax).IsEqualTo(turns.Max(t => t.PolicyLatency));
        await Assert.That(stats.PolicyLatencyTotal).IsEqualTo(new TimeSpan(turns.Sum(t => t.PolicyLatency.Ticks)));
        await Assert.That(stats.PolicyLatencyMean).IsEqualTo(stats.PolicyLatencyTotal / 6);
    }

    [Test]
    public async Task ProviderUsageIsRecordedOnTheTurnAndSummed()
    {
        var fake = new FakeChatClient(
            new FakeReply { InputTokens = 100, CachedInputTokens = 40 },
            new FakeReply { InputTokens = 120, CachedInputTokens = 0 });
        var session = new MemorySession(fake, new MemoryOptions { Budget = Budget, TokenCounter = new FixedCostTokenCounter(PerMessage), CalibrateFromUsage = false });

        await session.ChatAsync("first");
        await Assert.That(session.Stats.LastTurn!.ProviderInputTokens).IsEqualTo(100);
        await Assert.That(session.Stats.LastTurn!.CachedInputTokens).IsEqualTo(40);
        await session.ChatAsync("second");

        var stats = session.Stats;
        await Assert.That(stats.LastTurn!.ProviderInputTokens).IsEqualTo(120);
        await Assert.That(stats.LastTurn!.CachedInputTokens).IsEqualTo(0);
        await Assert.That(stats.ProviderInputTokens).IsEqualTo(220);
        await Assert.That(stats.CachedInputTokens).IsEqualTo(40);
        await Assert.That(stats.CacheHits).IsEqualTo(1);
        await Assert.That(stats.CacheMisses).IsEqualTo(1);
    }

    [Test]
    public async Task AFallbackIsCountedInTheTurnAndTheTotals()
    {
        var session = new MemorySession(new FakeChatClient(), new MemoryOptions { Budget = Budget, TokenCounter = new FixedCostTokenCounter(PerMessage), Policy = new ThrowingPolicy() });
        var turns = await ChatTurnsAsync(session, 3);

        await Assert.That(turns.All(t => t.Fallback is not null && t.Fallback.StartsWith("exception:", StringComparison.Ordinal))).IsTrue();
        await Assert.That(turns.All(t => t.Policy == "throwing")).IsTrue();
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(3);

        // The fallback built the same windows sliding would have.
        await Assert.That(turns.Select(t => t.TokensRetained).ToArray()).IsEquivalentTo(new[] { 10, 30, 30 });
        await Assert.That(session.Stats.Evictions).IsEqualTo(2);
    }

    [Test]
    public async Task AStatelessReducersNewlyEvictedEqualsEvicted()
    {
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = Budget, TokenCounter = new FixedCostTokenCounter(PerMessage) });
        var messages = new List<ChatMessage>();
        for (var i = 1; i <= 4; i++)
        {
            messages.Add(new ChatMessage(ChatRole.User, "q" + i));
            messages.Add(new ChatMessage(ChatRole.Assistant, "a" + i));
        }

        messages.Add(new ChatMessage(ChatRole.User, "q5"));
        var first = await reducer.ReduceToWindowAsync(messages, null, CancellationToken.None);
        var second = await reducer.ReduceToWindowAsync(messages, null, CancellationToken.None);

        await Assert.That(first.Stats.Evicted).IsEqualTo(6);
        await Assert.That(first.Stats.NewlyEvicted).IsEqualTo(6);
        await Assert.That(second.Stats.NewlyEvicted).IsEqualTo(6);
        await Assert.That(reducer.Stats.Evictions).IsEqualTo(12);
        await Assert.That(reducer.Stats.PolicyCalls).IsEqualTo(2);
        await Assert.That(reducer.Stats.Turns).IsEqualTo(0);
        await Assert.That(reducer.Stats.TokensSeen).IsEqualTo(180);
        await Assert.That(reducer.Stats.TokensRetained).IsEqualTo(60);
        await Assert.That(reducer.Stats.CompressionRatio).IsEqualTo(3.0);
    }

    [Test]
    public async Task StatsBeforeAnyBuildAreEmpty()
    {
        var session = NewSession(new FakeChatClient());
        var stats = session.Stats;

        await Assert.That(stats.PolicyCalls).IsEqualTo(0);
        await Assert.That(stats.CompressionRatio).IsEqualTo(0.0);
        await Assert.That(stats.PolicyLatencyMean).IsEqualTo(TimeSpan.Zero);
        await Assert.That(stats.LastTurn).IsNull();
        await Assert.That(stats.CalibrationRatio).IsEqualTo(1.0);
    }
}

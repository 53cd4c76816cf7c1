using FiniteMemory.Policies;
using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Tests.Sessions.SessionTestText;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Telemetry;

public class TelemetryTests
{
    /// <summary>
    /// Six builds (five turns and a PrepareAsync) with a window that must evict, one fallback, one truncated
    /// question, two cache hits, one miss and two calls that report nothing about the cache.
    /// </summary>
    private static async Task<(MemorySession Session, List<TurnStats> Builds)> RunConversationAsync(UniquelyNamedPolicy policy)
    {
        var hooks = new RecordingHooks();
        var fake = new FakeChatClient(
            new FakeReply { Text = Answer(1), InputTokens = 200, CachedInputTokens = 64 },
            new FakeReply { Text = Answer(2), InputTokens = 210, CachedInputTokens = 0 },
            new FakeReply { Text = Answer(3), InputTokens = 220 },
            new FakeReply { Text = Answer(4), InputTokens = 230, CachedInputTokens = 128 },
            new FakeReply { Text = Answer(5), NoUsage = true });
        var options = new MemoryOptions { Budget = 160, Policy = policy, CalibrateFromUsage = false };
        options.Hooks.Add(hooks);
        var session = new MemorySession(fake, options);
        session.AddSystem("You are a concise assistant.");

        for (var turn = 1; turn <= 4; turn++)
        {
            await session.ChatAsync(Question(turn));
        }

        await session.ChatAsync(Words("A very long question follows:", 400));
        session.Add(new ChatMessage(ChatRole.User, Question(6)));
        await session.PrepareAsync();

        var builds = hooks.Of<PolicyExecutedEvent>().Select(e => e.Stats).ToList();
        return (session, builds);
    }

    [Test]
    public async Task MetricsCarryTheSameNumbersAsTheSessionStats()
    {
        var policy = new UniquelyNamedPolicy(build => build == 3);
        using var metrics = new FiniteMemoryMetrics(policy.Name);

        var (session, builds) = await RunConversationAsync(policy);
        var stats = session.Stats;

        // The scenario exercises every counter.
        await Assert.That(stats.PolicyCalls).IsEqualTo(6);
        await Assert.That(stats.Turns).IsEqualTo(5);
        await Assert.That(stats.Fallbacks).IsEqualTo(1);
        await Assert.That(stats.Evictions).IsGreaterThan(0);
        await Assert.That(stats.Truncations).IsEqualTo(1);
        await Assert.That(stats.CacheHits).IsEqualTo(2);
        await Assert.That(stats.CacheMisses).IsEqualTo(1);

        await Assert.That(metrics.Sum("finitememory.policy.calls")).IsEqualTo(stats.PolicyCalls);
        await Assert.That(metrics.Sum("finitememory.turns")).IsEqualTo(stats.Turns);
        await Assert.That(metrics.Sum("finitememory.tokens.seen")).IsEqualTo(stats.TokensSeen);
        await Assert.That(metrics.Sum("finitememory.tokens.retained")).IsEqualTo(stats.TokensRetained);
        await Assert.That(metrics.Sum("finitememory.evictions")).IsEqualTo(stats.Evictions);
        await Assert.That(metrics.Sum("finitememory.truncations")).IsEqualTo(stats.Truncations);
        await Assert.That(metrics.Sum("finitememory.fallbacks")).IsEqualTo(stats.Fallbacks);
        await Assert.That(metrics.Sum("finitememory.cache.hits")).IsEqualTo(stats.CacheHits);
        await Assert.That(metrics.Sum("finitememory.cache.misses")).IsEqualTo(stats.CacheMisses);

        // Histograms: one record per build, with that build's numbers.
        var windowTokens = metrics.Values("finitememory.window.tokens");
        await Assert.That(string.Join(",", windowTokens)).IsEqualTo(string.Join(",", builds.Select(b => b.TokensRetained)));
        var durations = metrics.Values("finitememory.policy.duration");
        await Assert.That(durations.Count).IsEqualTo(stats.PolicyCalls);
        for (var i = 0; i < durations.Count; i++)
        {
            await Assert.That(durations[i]).IsEqualTo(builds[i].PolicyLatency.TotalSeconds);
        }

        await Assert.That(durations.Sum()).IsEqualTo(stats.PolicyLatencyTotal.TotalSeconds).Within(1e-6);
    }

    [Test]
    public async Task MeasurementsOfOtherPoliciesAreNotMixedIn()
    {
        var mine = new UniquelyNamedPolicy();
        var other = new UniquelyNamedPolicy();
        using var metrics = new FiniteMemoryMetrics(mine.Name);

        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 500, Policy = other });
        await reducer.ReduceAsync([new ChatMessage(ChatRole.User, "hello")], CancellationToken.None);

        await Assert.That(metrics.Measurements.Count).IsEqualTo(0);
    }

    [Test]
    public async Task TheMiddlewaresMetricsMatchItsStats()
    {
        var policy = new UniquelyNamedPolicy();
        using var metrics = new FiniteMemoryMetrics(policy.Name);
        var fake = new FakeChatClient { Responder = r => new FakeReply { Text = Answer(r.Call), CachedInputTokens = r.Call % 2 == 0 ? 32 : 0 } };
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(200, policy).Build();
        var history = new List<ChatMessage>();

        for (var turn = 1; turn <= 6; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            history.AddMessages(await client.GetResponseAsync(history));
        }

        var stats = client.GetService<FiniteMemoryChatClient>()!.Stats;
        await Assert.That(stats.Evictions).IsGreaterThan(0);
        await Assert.That(metrics.Sum("finitememory.policy.calls")).IsEqualTo(6);
        await Assert.That(metrics.Sum("finitememory.turns")).IsEqualTo(stats.Turns);
        await Assert.That(metrics.Sum("finitememory.tokens.seen")).IsEqualTo(stats.TokensSeen);
        await Assert.That(metrics.Sum("finitememory.tokens.retained")).IsEqualTo(stats.TokensRetained);
        await Assert.That(metrics.Sum("finitememory.evictions")).IsEqualTo(stats.Evictions);
        await Assert.That(metrics.Sum("finitememory.cache.hits")).IsEqualTo(3);
        await Assert.That(metrics.Sum("finitememory.cache.misses")).IsEqualTo(3);
        await Assert.That(stats.CacheHits).IsEqualTo(3);
        await Assert.That(stats.CacheMisses).IsEqualTo(3);
    }

    [Test]
    public async Task TheBuildWindowActivityCarriesTheBuildsNumbers()
    {
        var policy = new UniquelyNamedPolicy(build => build == 3);
        using var activities = new FiniteMemoryActivities(policy.Name);

        var (session, builds) = await RunConversationAsync(policy);

        var recorded = activities.Builds;
        await Assert.That(recorded.Count).IsEqualTo(session.Stats.PolicyCalls);
        for (var i = 0; i < recorded.Count; i++)
        {
            var activity = recorded[i];
            var stats = builds[i];
            await Assert.That(activity.OperationName).IsEqualTo(FiniteMemoryTelemetry.BuildActivityName);
            await Assert.That(activity.Source.Name).IsEqualTo(FiniteMemoryTelemetry.Name);
            await Assert.That(Tag(activity, "finitememory.budget")).IsEqualTo(160);
            await Assert.That(Tag(activity, "finitememory.turn")).IsEqualTo(stats.Turn);
            await Assert.That(Tag(activity, "finitememory.messages.seen")).IsEqualTo(stats.MessagesSeen);
            await Assert.That(Tag(activity, "finitememory.messages.retained")).IsEqualTo(stats.MessagesRetained);
            await Assert.That(Tag(activity, "finitememory.tokens.seen")).IsEqualTo(stats.TokensSeen);
            await Assert.That(Tag(activity, "finitememory.tokens.retained")).IsEqualTo(stats.TokensRetained);
            await Assert.That(Tag(activity, "finitememory.evicted")).IsEqualTo(stats.Evicted);
            await Assert.That(Tag(activity, "finitememory.truncated")).IsEqualTo(stats.Truncated);
            await Assert.That(activity.GetTagItem("finitememory.fallback") as string).IsEqualTo(stats.Fallback);
        }

        await Assert.That(recorded.Count(a => a.GetTagItem("finitememory.fallback") is string f && f.StartsWith("exception:", StringComparison.Ordinal))).IsEqualTo(1);
        await Assert.That(recorded.Count(a => Tag(a, "finitememory.truncated") == 1)).IsEqualTo(1);

        // The builds of chat turns run inside the turn's activity; the PrepareAsync build has none.
        for (var i = 0; i < 5; i++)
        {
            await Assert.That(recorded[i].Parent?.OperationName).IsEqualTo(FiniteMemoryTelemetry.ChatActivityName);
        }

        await Assert.That(recorded[5].Parent?.OperationName).IsNotEqualTo(FiniteMemoryTelemetry.ChatActivityName);
    }

    private static long Tag(System.Diagnostics.Activity activity, string name) => Convert.ToInt64(activity.GetTagItem(name), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The hybrid policy's stages under a name unique to one test.</summary>
    private sealed class UniquelyNamedHybrid : IMemoryPolicy
    {
        private readonly HybridPolicy _hybrid = new();

        public string Name { get; } = "test-" + Guid.NewGuid().ToString("N");

        public string Description => "hybrid under a unique name";

        public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken) => _hybrid.BuildAsync(frame, cancellationToken);
    }

    [Test]
    public async Task SummariesClustersAndImportanceEvictionsAreCountedLikeTheStats()
    {
        var policy = new UniquelyNamedHybrid();
        using var metrics = new FiniteMemoryMetrics(policy.Name);
        var session = new MemorySession(new MemoryOptions { Budget = 2_000, Policy = policy });
        session.AddSystem("You are a concise assistant.");
        for (var turn = 1; turn <= 120; turn++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"Day {turn}: my locker {turn} is in building B{turn}, and I also went running by the river."));
            session.Add(new ChatMessage(ChatRole.Assistant, $"Noted, locker {turn} in building B{turn}. Running by the river sounds lovely."));
            if (turn % 30 == 0)
            {
                session.Add(new ChatMessage(ChatRole.User, $"Which building is locker {turn / 2} in, and how was the river?"));
                await session.PrepareAsync();
            }
        }

        var stats = session.Stats;
        await Assert.That(stats.SummariesCreated).IsGreaterThan(0);
        await Assert.That(stats.ClustersMerged).IsGreaterThan(0);
        await Assert.That(stats.ImportanceEvictions).IsGreaterThan(0);
        await Assert.That(metrics.Sum("finitememory.summaries")).IsEqualTo(stats.SummariesCreated);
        await Assert.That(metrics.Sum("finitememory.clusters.merged")).IsEqualTo(stats.ClustersMerged);
        await Assert.That(metrics.Sum("finitememory.importance.evictions")).IsEqualTo(stats.ImportanceEvictions);
    }
}

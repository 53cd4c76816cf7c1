using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FiniteMemory;

/// <summary>
/// Everything FiniteMemory measures, in one place: the instruments of <see cref="FiniteMemoryTelemetry.Meter"/>, the
/// activities of <see cref="FiniteMemoryTelemetry.ActivitySource"/> and the tags they carry. The engine and the turn
/// owner call it with the numbers they already have; nothing is computed for a listener that is not there.
/// </summary>
internal static class TelemetryRecorder
{
    private const string PolicyTag = "finitememory.policy";

    private static readonly Meter Meter = FiniteMemoryTelemetry.Meter;
    private static readonly Counter<long> PolicyCalls = Meter.CreateCounter<long>("finitememory.policy.calls", "{build}", "Windows built.");
    private static readonly Counter<long> Turns = Meter.CreateCounter<long>("finitememory.turns", "{turn}", "Model calls completed and recorded into memory.");
    private static readonly Counter<long> TokensSeen = Meter.CreateCounter<long>("finitememory.tokens.seen", "{token}", "Transcript tokens presented to the policy.");
    private static readonly Counter<long> TokensRetained = Meter.CreateCounter<long>("finitememory.tokens.retained", "{token}", "Tokens placed in windows.");
    private static readonly Counter<long> Evictions = Meter.CreateCounter<long>("finitememory.evictions", "{message}", "Messages that dropped out of view.");
    private static readonly Counter<long> Truncations = Meter.CreateCounter<long>("finitememory.truncations", "{message}", "Messages shown shortened.");
    private static readonly Counter<long> Summaries = Meter.CreateCounter<long>("finitememory.summaries", "{fold}", "Evicted messages folded into a running summary (summarizer calls that were used).");
    private static readonly Counter<long> ClustersMerged = Meter.CreateCounter<long>("finitememory.clusters.merged", "{cluster}", "Topic clusters a window represented by some but not all of their members.");
    private static readonly Counter<long> ImportanceEvictions = Meter.CreateCounter<long>("finitememory.importance.evictions", "{group}", "Groups an importance-scoring policy left out that a sliding window would have kept.");
    private static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>("finitememory.fallbacks", "{build}", "Builds where the sliding fallback replaced the policy.");
    private static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("finitememory.cache.hits", "{request}", "Model calls that reported cached prompt tokens.");
    private static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("finitememory.cache.misses", "{request}", "Model calls that reported no cached prompt tokens.");
    private static readonly Histogram<double> PolicyDuration = Meter.CreateHistogram<double>("finitememory.policy.duration", "s", "Wall time of a window build.");
    private static readonly Histogram<int> WindowTokens = Meter.CreateHistogram<int>("finitememory.window.tokens", "{token}", "Tokens in a built window.");

    /// <summary>Whether any listener takes one of the measurements a window build records (checked before making them).</summary>
    private static bool BuildMeasured =>
        PolicyCalls.Enabled || TokensSeen.Enabled || TokensRetained.Enabled || Evictions.Enabled || Truncations.Enabled
        || Fallbacks.Enabled || Summaries.Enabled || ClustersMerged.Enabled || ImportanceEvictions.Enabled
        || PolicyDuration.Enabled || WindowTokens.Enabled;

    /// <summary>Starts the activity of one window build (null when nobody listens).</summary>
    public static Activity? StartBuild() => FiniteMemoryTelemetry.ActivitySource.StartActivity(FiniteMemoryTelemetry.BuildActivityName);

    /// <summary>Starts the activity of one chat turn (null when nobody listens).</summary>
    public static Activity? StartChat() => FiniteMemoryTelemetry.ActivitySource.StartActivity(FiniteMemoryTelemetry.ChatActivityName);

    /// <summary>Records a built window: its measurements, and its numbers as tags of the build's activity.</summary>
    public static void RecordBuild(TurnStats stats, Activity? activity)
    {
        if (BuildMeasured)
        {
            var tag = new KeyValuePair<string, object?>(PolicyTag, stats.Policy);
            PolicyCalls.Add(1, tag);
            TokensSeen.Add(stats.TokensSeen, tag);
            TokensRetained.Add(stats.TokensRetained, tag);
            Evictions.Add(stats.NewlyEvicted, tag);
            if (stats.Truncated > 0)
            {
                Truncations.Add(stats.Truncated, tag);
            }

            if (stats.Fallback is not null)
            {
                Fallbacks.Add(1, tag);
            }

            if (stats.SummariesCreated > 0)
            {
                Summaries.Add(stats.SummariesCreated, tag);
            }

            if (stats.ClustersMerged > 0)
            {
                ClustersMerged.Add(stats.ClustersMerged, tag);
            }

            if (stats.ImportanceEvictions > 0)
            {
                ImportanceEvictions.Add(stats.ImportanceEvictions, tag);
            }

            PolicyDuration.Record(stats.PolicyLatency.TotalSeconds, tag);
            WindowTokens.Record(stats.TokensRetained, tag);
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(PolicyTag, stats.Policy);
            activity.SetTag("finitememory.budget", stats.Budget);
            activity.SetTag("finitememory.turn", stats.Turn);
            activity.SetTag("finitememory.messages.seen", stats.MessagesSeen);
            activity.SetTag("finitememory.messages.retained", stats.MessagesRetained);
            activity.SetTag("finitememory.tokens.seen", stats.TokensSeen);
            activity.SetTag("finitememory.tokens.retained", stats.TokensRetained);
            activity.SetTag("finitememory.evicted", stats.Evicted);
            activity.SetTag("finitememory.truncated", stats.Truncated);
            activity.SetTag("finitememory.summaries", stats.SummariesCreated);
            activity.SetTag("finitememory.clusters.merged", stats.ClustersMerged);
            activity.SetTag("finitememory.importance.evictions", stats.ImportanceEvictions);
            if (stats.Fallback is not null)
            {
                activity.SetTag("finitememory.fallback", stats.Fallback);
            }
        }
    }

    /// <summary>Records a model call recorded into memory, and whether the provider served part of its prompt from cache.</summary>
    /// <param name="policy">The policy that built the call's window.</param>
    /// <param name="cachedInputTokens">The cached input tokens the provider reported, or null if it said nothing.</param>
    public static void RecordResponse(string policy, long? cachedInputTokens)
    {
        var tag = new KeyValuePair<string, object?>(PolicyTag, policy);
        Turns.Add(1, tag);
        if (cachedInputTokens is long cached)
        {
            (cached > 0 ? CacheHits : CacheMisses).Add(1, tag);
        }
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FiniteMemory;

/// <summary>
/// The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>FiniteMemory</c>. OpenTelemetry picks
/// them up with <c>AddMeter("FiniteMemory")</c> and <c>AddSource("FiniteMemory")</c>.
/// </summary>
public static class FiniteMemoryTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "FiniteMemory";

    /// <summary>The activity for one window build.</summary>
    public const string BuildActivityName = "FiniteMemory.BuildWindow";

    /// <summary>The activity for one chat turn (build plus model call).</summary>
    public const string ChatActivityName = "FiniteMemory.Chat";

    /// <summary>The meter.</summary>
    public static Meter Meter { get; } = new(Name, typeof(FiniteMemoryTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The activity source.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(FiniteMemoryTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> PolicyCalls = Meter.CreateCounter<long>("finitememory.policy.calls", "{build}", "Windows built.");
    internal static readonly Counter<long> Turns = Meter.CreateCounter<long>("finitememory.turns", "{turn}", "Model calls completed and recorded into memory.");
    internal static readonly Counter<long> TokensSeen = Meter.CreateCounter<long>("finitememory.tokens.seen", "{token}", "Transcript tokens presented to the policy.");
    internal static readonly Counter<long> TokensRetained = Meter.CreateCounter<long>("finitememory.tokens.retained", "{token}", "Tokens placed in windows.");
    internal static readonly Counter<long> Evictions = Meter.CreateCounter<long>("finitememory.evictions", "{message}", "Messages that dropped out of view.");
    internal static readonly Counter<long> Truncations = Meter.CreateCounter<long>("finitememory.truncations", "{message}", "Messages shown shortened.");
    internal static readonly Counter<long> Summaries = Meter.CreateCounter<long>("finitememory.summaries", "{fold}", "Evicted messages folded into a running summary (summarizer calls that were used).");
    internal static readonly Counter<long> ClustersMerged = Meter.CreateCounter<long>("finitememory.clusters.merged", "{cluster}", "Topic clusters a window represented by some but not all of their members.");
    internal static readonly Counter<long> ImportanceEvictions = Meter.CreateCounter<long>("finitememory.importance.evictions", "{group}", "Groups an importance-scoring policy left out that a sliding window would have kept.");
    internal static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>("finitememory.fallbacks", "{build}", "Builds where the sliding fallback replaced the policy.");
    internal static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("finitememory.cache.hits", "{request}", "Model calls that reported cached prompt tokens.");
    internal static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("finitememory.cache.misses", "{request}", "Model calls that reported no cached prompt tokens.");
    internal static readonly Histogram<double> PolicyDuration = Meter.CreateHistogram<double>("finitememory.policy.duration", "s", "Wall time of a window build.");
    internal static readonly Histogram<int> WindowTokens = Meter.CreateHistogram<int>("finitememory.window.tokens", "{token}", "Tokens in a built window.");

    /// <summary>Whether any listener takes one of the measurements a window build records (checked before making them).</summary>
    internal static bool BuildMeasured =>
        PolicyCalls.Enabled || TokensSeen.Enabled || TokensRetained.Enabled || Evictions.Enabled || Truncations.Enabled
        || Fallbacks.Enabled || Summaries.Enabled || ClustersMerged.Enabled || ImportanceEvictions.Enabled
        || PolicyDuration.Enabled || WindowTokens.Enabled;
}

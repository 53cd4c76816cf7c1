namespace FiniteMemory;

/// <summary>
/// Cumulative numbers of a session (or of a reducer or middleware instance), each with one meaning.
/// A snapshot: read it again for newer values.
/// </summary>
public sealed record MemoryStats
{
    /// <summary>Windows built (each run of the policy, including fallbacks and <c>PrepareAsync</c> calls).</summary>
    public int PolicyCalls { get; init; }

    /// <summary>Model calls that completed and were recorded into memory.</summary>
    public int Turns { get; init; }

    /// <summary>Sum over builds of <see cref="TurnStats.TokensSeen"/>.</summary>
    public long TokensSeen { get; init; }

    /// <summary>Sum over builds of <see cref="TurnStats.TokensRetained"/>.</summary>
    public long TokensRetained { get; init; }

    /// <summary><see cref="TokensSeen"/> / <see cref="TokensRetained"/> (0 before the first build).</summary>
    public double CompressionRatio => TokensRetained == 0 ? 0 : (double)TokensSeen / TokensRetained;

    /// <summary>Sum over builds of <see cref="TurnStats.NewlyEvicted"/>: how many times a message dropped out of view.</summary>
    public long Evictions { get; init; }

    /// <summary>Sum over builds of <see cref="TurnStats.Truncated"/>.</summary>
    public long Truncations { get; init; }

    /// <summary>Summaries created.</summary>
    public long SummariesCreated { get; init; }

    /// <summary>Topic clusters merged.</summary>
    public long ClustersMerged { get; init; }

    /// <summary>Groups an importance stage left out that recency alone would have kept.</summary>
    public long ImportanceEvictions { get; init; }

    /// <summary>Total wall time spent building windows.</summary>
    public TimeSpan PolicyLatencyTotal { get; init; }

    /// <summary>The slowest build.</summary>
    public TimeSpan PolicyLatencyMax { get; init; }

    /// <summary>Mean build time.</summary>
    public TimeSpan PolicyLatencyMean => PolicyCalls == 0 ? TimeSpan.Zero : PolicyLatencyTotal / PolicyCalls;

    /// <summary>Builds where the sliding fallback replaced the policy (timeout or exception).</summary>
    public int Fallbacks { get; init; }

    /// <summary>Model calls whose provider reported serving part of the prompt from its cache (cached input tokens &gt; 0).</summary>
    public int CacheHits { get; init; }

    /// <summary>Model calls whose provider reported zero cached input tokens. Calls that report nothing about caching count as neither.</summary>
    public int CacheMisses { get; init; }

    /// <summary>Sum of the cached input tokens providers reported.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Sum of the input tokens providers reported.</summary>
    public long ProviderInputTokens { get; init; }

    /// <summary>The token-count calibration ratio in use (provider/estimate; 1 = uncalibrated).</summary>
    public double CalibrationRatio { get; init; } = 1.0;

    /// <summary>The most recent build, or null before the first.</summary>
    public TurnStats? LastTurn { get; init; }
}

namespace FiniteMemory;

/// <summary>
/// Accumulates <see cref="MemoryStats"/> from builds and model calls; thread-safe. Recording only adds to
/// fields; the immutable snapshot is made when someone reads it.
/// </summary>
internal sealed class StatsRecorder
{
    private readonly Lock _gate = new();
    private int _policyCalls;
    private int _turns;
    private long _tokensSeen;
    private long _tokensRetained;
    private long _evictions;
    private long _truncations;
    private long _summariesCreated;
    private long _clustersMerged;
    private long _importanceEvictions;
    private TimeSpan _latencyTotal;
    private TimeSpan _latencyMax;
    private int _fallbacks;
    private int _cacheHits;
    private int _cacheMisses;
    private long _cachedInputTokens;
    private long _providerInputTokens;
    private TurnStats? _lastTurn;

    public MemoryStats Snapshot()
    {
        lock (_gate)
        {
            return new MemoryStats
            {
                PolicyCalls = _policyCalls,
                Turns = _turns,
                TokensSeen = _tokensSeen,
                TokensRetained = _tokensRetained,
                Evictions = _evictions,
                Truncations = _truncations,
                SummariesCreated = _summariesCreated,
                ClustersMerged = _clustersMerged,
                ImportanceEvictions = _importanceEvictions,
                PolicyLatencyTotal = _latencyTotal,
                PolicyLatencyMax = _latencyMax,
                Fallbacks = _fallbacks,
                CacheHits = _cacheHits,
                CacheMisses = _cacheMisses,
                CachedInputTokens = _cachedInputTokens,
                ProviderInputTokens = _providerInputTokens,
                LastTurn = _lastTurn,
            };
        }
    }

    public void Restore(MemoryStats stats)
    {
        lock (_gate)
        {
            _policyCalls = stats.PolicyCalls;
            _turns = stats.Turns;
            _tokensSeen = stats.TokensSeen;
            _tokensRetained = stats.TokensRetained;
            _evictions = stats.Evictions;
            _truncations = stats.Truncations;
            _summariesCreated = stats.SummariesCreated;
            _clustersMerged = stats.ClustersMerged;
            _importanceEvictions = stats.ImportanceEvictions;
            _latencyTotal = stats.PolicyLatencyTotal;
            _latencyMax = stats.PolicyLatencyMax;
            _fallbacks = stats.Fallbacks;
            _cacheHits = stats.CacheHits;
            _cacheMisses = stats.CacheMisses;
            _cachedInputTokens = stats.CachedInputTokens;
            _providerInputTokens = stats.ProviderInputTokens;
            _lastTurn = stats.LastTurn;
        }
    }

    public void RecordBuild(TurnStats turn)
    {
        lock (_gate)
        {
            _policyCalls = Add(_policyCalls, 1);
            _tokensSeen = Add(_tokensSeen, turn.TokensSeen);
            _tokensRetained = Add(_tokensRetained, turn.TokensRetained);
            _evictions = Add(_evictions, turn.NewlyEvicted);
            _truncations = Add(_truncations, turn.Truncated);
            _summariesCreated = Add(_summariesCreated, turn.SummariesCreated);
            _clustersMerged = Add(_clustersMerged, turn.ClustersMerged);
            _importanceEvictions = Add(_importanceEvictions, turn.ImportanceEvictions);
            _latencyTotal = turn.PolicyLatency <= TimeSpan.Zero ? _latencyTotal : TimeSpan.FromTicks(Add(_latencyTotal.Ticks, turn.PolicyLatency.Ticks));
            if (turn.PolicyLatency > _latencyMax)
            {
                _latencyMax = turn.PolicyLatency;
            }

            _fallbacks = Add(_fallbacks, turn.Fallback is null ? 0 : 1);
            _lastTurn = turn;
        }
    }

    /// <summary>Records a completed model call and what its provider reported.</summary>
    public void RecordResponse(long? inputTokens, long? cachedInputTokens)
    {
        lock (_gate)
        {
            _turns = Add(_turns, 1);
            _providerInputTokens = Add(_providerInputTokens, inputTokens ?? 0);
            _cachedInputTokens = Add(_cachedInputTokens, cachedInputTokens ?? 0);
            _cacheHits = Add(_cacheHits, cachedInputTokens > 0 ? 1 : 0);
            _cacheMisses = Add(_cacheMisses, cachedInputTokens == 0 ? 1 : 0);
            if (_lastTurn is not null)
            {
                _lastTurn = _lastTurn with { ProviderInputTokens = inputTokens, CachedInputTokens = cachedInputTokens };
            }
        }
    }

    // Counters saturate instead of wrapping: a checkpoint restored near the maximum, or a provider reporting absurd
    // usage, must not turn them negative (a negative count makes the next checkpoint unreadable). Counts never
    // decrease, so a negative amount (a provider's bogus usage) adds nothing.
    private static long Add(long total, long amount) =>
        amount <= 0 ? total : total > long.MaxValue - amount ? long.MaxValue : total + amount;

    private static int Add(int total, int amount) => (int)Math.Min(Add((long)total, amount), int.MaxValue);
}

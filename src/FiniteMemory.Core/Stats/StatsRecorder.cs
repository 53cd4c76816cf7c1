namespace FiniteMemory.Stats;

/// <summary>Accumulates <see cref="MemoryStats"/> from builds and model calls; thread-safe.</summary>
internal sealed class StatsRecorder
{
    private readonly Lock _gate = new();
    private MemoryStats _stats = new();

    public MemoryStats Snapshot()
    {
        lock (_gate)
        {
            return _stats;
        }
    }

    public void Restore(MemoryStats stats)
    {
        lock (_gate)
        {
            _stats = stats;
        }
    }

    public void RecordBuild(TurnStats turn)
    {
        lock (_gate)
        {
            var s = _stats;
            _stats = s with
            {
                PolicyCalls = s.PolicyCalls + 1,
                TokensSeen = s.TokensSeen + turn.TokensSeen,
                TokensRetained = s.TokensRetained + turn.TokensRetained,
                Evictions = s.Evictions + turn.NewlyEvicted,
                Truncations = s.Truncations + turn.Truncated,
                SummariesCreated = s.SummariesCreated + turn.SummariesCreated,
                ClustersMerged = s.ClustersMerged + turn.ClustersMerged,
                ImportanceEvictions = s.ImportanceEvictions + turn.ImportanceEvictions,
                PolicyLatencyTotal = s.PolicyLatencyTotal + turn.PolicyLatency,
                PolicyLatencyMax = turn.PolicyLatency > s.PolicyLatencyMax ? turn.PolicyLatency : s.PolicyLatencyMax,
                Fallbacks = s.Fallbacks + (turn.Fallback is null ? 0 : 1),
                LastTurn = turn,
            };
        }
    }

    /// <summary>Records a completed model call and what its provider reported.</summary>
    public void RecordResponse(long? inputTokens, long? cachedInputTokens, double calibrationRatio)
    {
        lock (_gate)
        {
            var s = _stats;
            _stats = s with
            {
                Turns = s.Turns + 1,
                ProviderInputTokens = s.ProviderInputTokens + (inputTokens ?? 0),
                CachedInputTokens = s.CachedInputTokens + (cachedInputTokens ?? 0),
                CacheHits = s.CacheHits + (cachedInputTokens > 0 ? 1 : 0),
                CacheMisses = s.CacheMisses + (cachedInputTokens == 0 ? 1 : 0),
                CalibrationRatio = calibrationRatio,
                LastTurn = s.LastTurn is null ? null : s.LastTurn with { ProviderInputTokens = inputTokens, CachedInputTokens = cachedInputTokens },
            };
        }
    }
}

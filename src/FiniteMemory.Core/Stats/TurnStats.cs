namespace FiniteMemory;

/// <summary>The numbers of one window build (and, once known, of the model call that used it).</summary>
public sealed record TurnStats
{
    /// <summary>The conversation's turn (number of user messages) when the window was built.</summary>
    public int Turn { get; init; }

    /// <summary>The policy asked to build the window.</summary>
    public string Policy { get; init; } = string.Empty;

    /// <summary>The configured budget.</summary>
    public int Budget { get; init; }

    /// <summary>Messages in the transcript when the window was built.</summary>
    public int MessagesSeen { get; init; }

    /// <summary>Tokens of the whole transcript (calibrated): what the model would see with no memory policy.</summary>
    public long TokensSeen { get; init; }

    /// <summary>Messages in the window.</summary>
    public int MessagesRetained { get; init; }

    /// <summary>Tokens of the window's messages (calibrated).</summary>
    public int TokensRetained { get; init; }

    /// <summary><see cref="TokensSeen"/> / <see cref="TokensRetained"/>: how many times smaller the window is than the transcript (1 = nothing left out).</summary>
    public double CompressionRatio { get; init; }

    /// <summary>Transcript messages not in the window.</summary>
    public int Evicted { get; init; }

    /// <summary>
    /// Messages that dropped out of view in this build: in the previous window of the same conversation, or
    /// new since it, and not in this one. A stateless reducer has no previous window, so for it this equals
    /// <see cref="Evicted"/>.
    /// </summary>
    public int NewlyEvicted { get; init; }

    /// <summary>Messages the window shows shortened.</summary>
    public int Truncated { get; init; }

    /// <summary>Summaries created in this build.</summary>
    public int SummariesCreated { get; init; }

    /// <summary>Topic clusters merged in this build.</summary>
    public int ClustersMerged { get; init; }

    /// <summary>Groups an importance stage left out that recency alone would have kept.</summary>
    public int ImportanceEvictions { get; init; }

    /// <summary>Wall time of the build.</summary>
    public TimeSpan PolicyLatency { get; init; }

    /// <summary>Why the sliding fallback built this window, or null if the policy did.</summary>
    public string? Fallback { get; init; }

    /// <summary>Input tokens the provider reported for the request that used this window, when it did.</summary>
    public long? ProviderInputTokens { get; init; }

    /// <summary>Input tokens the provider served from its prompt cache, when it reported that.</summary>
    public long? CachedInputTokens { get; init; }
}

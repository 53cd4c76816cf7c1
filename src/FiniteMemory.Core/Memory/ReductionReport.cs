using FiniteMemory.Conversation;

namespace FiniteMemory.Memory;

/// <summary>
/// What one window build did and why: which messages the model sees, which it does not, which it sees
/// shortened, and whether the configured policy was replaced by the sliding fallback.
/// </summary>
public sealed class ReductionReport
{
    private readonly Transcript _transcript;
    private readonly int _count;
    private readonly int[] _keptIndices;
    private IReadOnlyList<string>? _evicted;

    internal ReductionReport(
        Transcript transcript,
        int count,
        int[] keptIndices,
        string policy,
        IReadOnlyList<string> kept,
        IReadOnlyList<string> truncated,
        string? fallback,
        TimeSpan policyLatency)
    {
        _transcript = transcript;
        _count = count;
        _keptIndices = keptIndices;
        Policy = policy;
        Kept = kept;
        Truncated = truncated;
        Fallback = fallback;
        PolicyLatency = policyLatency;
    }

    /// <summary>The policy that was asked to build the window (see <see cref="Fallback"/> for what actually did).</summary>
    public string Policy { get; }

    /// <summary>Ids of the messages in the window, in window order.</summary>
    public IReadOnlyList<string> Kept { get; }

    /// <summary>Ids of the transcript's messages that are not in the window, in transcript order (computed on first use).</summary>
    public IReadOnlyList<string> Evicted => _evicted ??= ComputeEvicted();

    /// <summary>Number of transcript messages not in the window.</summary>
    public int EvictedCount => _count - _keptIndices.Length;

    /// <summary>Ids of the messages the window shows shortened (with a marker).</summary>
    public IReadOnlyList<string> Truncated { get; }

    /// <summary>
    /// Null when the configured policy built the window; otherwise why the sliding policy built it instead
    /// (<c>timeout: …</c> or <c>exception: …</c>).
    /// </summary>
    public string? Fallback { get; }

    /// <summary>Wall time of the whole build: mandatory messages, policy (and fallback), ordering.</summary>
    public TimeSpan PolicyLatency { get; }

    /// <summary>Transcript indices of the kept messages, ascending.</summary>
    internal int[] KeptIndices => _keptIndices;

    private string[] ComputeEvicted()
    {
        var count = Math.Min(_count, _transcript.Count);
        var evicted = new List<string>(Math.Max(0, count - _keptIndices.Length));
        var k = 0;
        for (var i = 0; i < count; i++)
        {
            if (k < _keptIndices.Length && _keptIndices[k] == i)
            {
                k++;
                continue;
            }

            evicted.Add(_transcript[i].Id);
        }

        return [.. evicted];
    }
}

using FiniteMemory.Stages;

namespace FiniteMemory;

/// <summary>
/// What one window build did and why: which messages the model sees, which it does not, which it sees
/// shortened, and whether the configured policy was replaced by the sliding fallback.
/// </summary>
/// <remarks>The id lists are computed on first use, so a build that nobody inspects costs nothing for them.</remarks>
public sealed class ReductionReport
{
    private readonly IdSnapshot _ids;
    private readonly WindowMessage[] _messages;
    private readonly int[] _keptIndices;
    private IReadOnlyList<string>? _kept;
    private IReadOnlyList<string>? _truncated;
    private IReadOnlyList<string>? _evicted;

    internal ReductionReport(IdSnapshot ids, WindowMessage[] messages, int[] keptIndices, string policy, string? fallback, TimeSpan policyLatency)
    {
        _ids = ids;
        _messages = messages;
        _keptIndices = keptIndices;
        Policy = policy;
        Fallback = fallback;
        PolicyLatency = policyLatency;
    }

    /// <summary>The policy that was asked to build the window (see <see cref="Fallback"/> for what actually did).</summary>
    public string Policy { get; }

    /// <summary>Ids of the messages in the window, in window order (a summary appears as <see cref="FrameSummary.Id"/>).</summary>
    public IReadOnlyList<string> Kept => _kept ??= Array.ConvertAll(_messages, static m => m.Id);

    /// <summary>Ids of the transcript's messages that are not in the window, in transcript order.</summary>
    public IReadOnlyList<string> Evicted => _evicted ??= ComputeEvicted();

    /// <summary>Number of transcript messages not in the window.</summary>
    public int EvictedCount => _ids.Count - _keptIndices.Length;

    /// <summary>Ids of the messages the window shows shortened (with a marker).</summary>
    public IReadOnlyList<string> Truncated => _truncated ??= [.. _messages.Where(static m => m.Truncated).Select(static m => m.Id)];

    /// <summary>
    /// Null when the configured policy built the window; otherwise why the sliding policy built it instead
    /// (<c>timeout: …</c> or <c>exception: …</c>).
    /// </summary>
    public string? Fallback { get; }

    /// <summary>
    /// Ids of the transcript messages the window's summary stands for (its message has id
    /// <see cref="FrameSummary.Id"/> and index -1), chronological; empty when the window has no summary.
    /// </summary>
    public IReadOnlyList<string> Summarized { get; init; } = [];

    /// <summary>What the policy's stages noted: a model that failed and what replaced it, a summary shortened to fit …</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Wall time of the whole build: mandatory messages, policy (and fallback), ordering.</summary>
    public TimeSpan PolicyLatency { get; }

    /// <summary>Transcript indices of the kept transcript messages, ascending (a summary is not one).</summary>
    internal int[] KeptIndices => _keptIndices;

    private string[] ComputeEvicted()
    {
        var evicted = new string[EvictedCount];
        int k = 0, e = 0;
        for (var i = 0; i < _ids.Count; i++)
        {
            if (k < _keptIndices.Length && _keptIndices[k] == i)
            {
                k++;
                continue;
            }

            evicted[e++] = _ids[i];
        }

        return evicted;
    }
}

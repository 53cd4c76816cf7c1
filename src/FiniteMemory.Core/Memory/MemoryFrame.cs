using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Stages;

/// <summary>
/// The working set of one window build: the transcript as of this turn, the token budget, the new user
/// message, and the selection the stages make. Stages only ever keep whole groups, and the frame refuses
/// anything over the budget, so the invariants hold whatever the stages decide.
/// </summary>
/// <remarks>
/// Building a frame costs O(mandatory groups), not O(transcript): a stage that only looks at recent
/// messages never touches old ones, and the selection is sized by what is kept. Costs are in calibrated tokens (see <see cref="TokenCalibration"/>).
/// </remarks>
public sealed class MemoryFrame
{
    private readonly List<KeptGroup> _kept = new(32);
    private readonly double _ratio;
    private KeptMarks? _marks;
    private Dictionary<int, Truncation>? _truncations;
    private float[]? _scores;
    private FrameSummary? _summary;
    private List<string>? _notes;
    private int[]? _clusters;
    private List<int>? _unkept;
    private int _version;
    private int _unkeptVersion = -1;

    internal MemoryFrame(Transcript transcript, string policyName, int totalBudget, int reserved, double calibrationRatio, MemoryServices? services = null)
    {
        Transcript = transcript;
        Services = services ?? MemoryServices.None;
        PolicyName = policyName;
        TotalBudget = totalBudget;
        Reserved = reserved;
        Budget = totalBudget - reserved;
        _ratio = calibrationRatio;
        Count = transcript.Count;
        GroupCount = transcript.Groups.Count;
        QueryIndex = transcript.LastUserIndex < Count ? transcript.LastUserIndex : -1;
        QueryGroup = QueryIndex >= 0 ? transcript[QueryIndex].Group : -1;
        _marks = transcript.RentMarks();
        _marks.Begin(GroupCount);
    }

    /// <summary>The conversation. Read entries below <see cref="Count"/> and groups below <see cref="GroupCount"/>.</summary>
    public Transcript Transcript { get; }

    /// <summary>The models stages may use (embedder, summarizer, importance source); each may be absent.</summary>
    public MemoryServices Services { get; }

    /// <summary>Name of the policy building this frame.</summary>
    public string PolicyName { get; }

    /// <summary>Number of transcript entries this build covers.</summary>
    public int Count { get; }

    /// <summary>Number of groups this build covers.</summary>
    public int GroupCount { get; }

    /// <summary>Tokens available for the window's messages: <see cref="TotalBudget"/> less <see cref="Reserved"/>.</summary>
    public int Budget { get; }

    /// <summary>The configured budget for the whole request.</summary>
    public int TotalBudget { get; }

    /// <summary>Tokens set aside from <see cref="TotalBudget"/> before messages: the reply reserve, request framing and tool schemas.</summary>
    public int Reserved { get; }

    /// <summary>Tokens of the groups kept so far.</summary>
    public int Used { get; private set; }

    /// <summary>Tokens still available.</summary>
    public int Remaining => Budget - Used;

    /// <summary>Transcript index of the newest user message (the query), or -1.</summary>
    public int QueryIndex { get; }

    /// <summary>Group of the newest user message, or -1.</summary>
    public int QueryGroup { get; }

    /// <summary>The newest user message, or <see langword="null"/> when the conversation has none.</summary>
    public MemoryEntry? Query => QueryIndex >= 0 ? Transcript[QueryIndex] : null;

    /// <summary>The counter the transcript was counted with.</summary>
    public ITokenCounter Counter => Transcript.Counter;

    /// <summary>The calibration ratio applied to every raw token count in this build.</summary>
    public double CalibrationRatio => _ratio;

    /// <summary>The groups kept so far, in the order they were kept.</summary>
    public IReadOnlyList<KeptGroup> Kept => _kept;

    /// <summary><see cref="Kept"/> as the list it is (hot paths enumerate it without boxing).</summary>
    internal List<KeptGroup> KeptList => _kept;

    /// <summary>Per-group scores for scoring stages (allocated on first use, one slot per group).</summary>
    public float[] Scores => _scores ??= new float[GroupCount];

    /// <summary>Whether a stage allocated <see cref="Scores"/>.</summary>
    public bool HasScores => _scores is not null;

    /// <summary>Summaries the stages reported creating in this build (<see cref="ReportSummaryCreated"/>).</summary>
    internal int SummariesCreated { get; private set; }

    /// <summary>Whether a stage reported scoring importance (<see cref="ReportImportanceScored"/>).</summary>
    internal bool ImportanceScored { get; private set; }

    /// <summary>The topic cluster of each group a clustering stage reported (<see cref="ReportClusters"/>), or null.</summary>
    internal int[]? Clusters => _clusters;

    /// <summary>
    /// Reports a summary a summarizing stage created (one summarizer call whose text the window uses); counted in
    /// <see cref="TurnStats.SummariesCreated"/>.
    /// </summary>
    public void ReportSummaryCreated() => SummariesCreated++;

    /// <summary>
    /// Reports that a stage scored groups by importance: after the policy, the engine counts in
    /// <see cref="TurnStats.ImportanceEvictions"/> the groups a sliding window would have kept that this build left out.
    /// </summary>
    public void ReportImportanceScored() => ImportanceScored = true;

    /// <summary>
    /// Reports the topic cluster of each group (one slot per group, -1 for none): after the policy, the engine counts
    /// in <see cref="TurnStats.ClustersMerged"/> the clusters the window represents by some but not all of their
    /// members. Replaces clusters reported earlier in this build.
    /// </summary>
    /// <exception cref="ArgumentException">The array does not have one slot per group.</exception>
    public void ReportClusters(int[] clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        _clusters = clusters.Length == GroupCount
            ? clusters
            : throw new ArgumentException($"Cluster assignments need one slot per group ({GroupCount}), not {clusters.Length}.", nameof(clusters));
    }

    /// <summary>What stages noted about this build (a failed embedder, a degraded summary …); the report carries them.</summary>
    public IReadOnlyList<string> Notes => (IReadOnlyList<string>?)_notes ?? [];

    /// <summary>Records a note for the report.</summary>
    public void AddNote(string note)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        (_notes ??= []).Add(note);
    }

    /// <summary>The summary a summarizing stage placed in this window, if any.</summary>
    public FrameSummary? Summary => _summary;

    /// <summary>
    /// Places a summary of older messages in the window (after the leading system messages), charged to the
    /// budget like any message. Replaces a summary placed earlier in this build.
    /// </summary>
    /// <param name="message">The summary as the model will see it (usually a system or user message).</param>
    /// <param name="covers">Ids of the transcript messages the summary stands for.</param>
    /// <returns>Whether it fit in what remains.</returns>
    public bool TrySetSummary(ChatMessage message, IReadOnlyList<string> covers)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(covers);
        return TrySetSummary(message, covers, Counter.CountMessage(message));
    }

    /// <summary><see cref="TrySetSummary(ChatMessage, IReadOnlyList{string})"/> with the message's raw token count already known.</summary>
    internal bool TrySetSummary(ChatMessage message, IReadOnlyList<string> covers, int raw)
    {
        var cost = Calibrate(raw);
        var previous = _summary?.Tokens ?? 0;
        if (cost > Remaining + previous)
        {
            return false;
        }

        Used += cost - previous;
        _summary = new FrameSummary(message, covers, cost, raw);
        return true;
    }

    /// <summary>Removes the summary placed in this build, giving its tokens back.</summary>
    public void ClearSummary()
    {
        if (_summary is { } summary)
        {
            Used -= summary.Tokens;
            _summary = null;
        }
    }

    /// <summary>
    /// The groups not in the window so far, ascending: what scoring stages choose among. Computed once and shared
    /// by every stage until a group is kept or released (do not modify the list).
    /// </summary>
    internal List<int> UnkeptGroups()
    {
        if (_unkept is null || _unkeptVersion != _version)
        {
            var unkept = new List<int>(Math.Max(0, GroupCount - _kept.Count));
            for (var g = 0; g < GroupCount; g++)
            {
                if (!IsKept(g))
                {
                    unkept.Add(g);
                }
            }

            _unkept = unkept;
            _unkeptVersion = _version;
        }

        return _unkept;
    }

    /// <summary>Whether a group is in the window so far.</summary>
    public bool IsKept(int group)
    {
        var marks = _marks;
        return marks is not null ? marks.IsMarked(group) : WasKept(group);
    }

    /// <summary>
    /// Gives the kept-group marks back to the transcript for the next build. The frame still answers
    /// <see cref="IsKept"/> afterwards (from its list of kept groups), but it must not keep more.
    /// </summary>
    internal void ReturnMarks()
    {
        if (_marks is { } marks)
        {
            _marks = null;
            Transcript.ReturnMarks(marks);
        }
    }

    /// <summary>Calibrated tokens of a raw count.</summary>
    public int Calibrate(int rawTokens) => (int)Math.Min(TokenCalibration.Scale(rawTokens, _ratio), int.MaxValue);

    /// <summary>Tokens a transcript entry costs in this window (its truncated copy if one was made).</summary>
    public int CostOfEntry(int index) => Calibrate(RawCostOfEntry(index));

    /// <summary>Uncalibrated tokens of an entry as the window shows it (its truncated copy if one was made).</summary>
    internal int RawCostOfEntry(int index) => RawCostOfEntry(Transcript[index]);

    internal int RawCostOfEntry(MemoryEntry entry) =>
        _truncations is not null && _truncations.TryGetValue(entry.Index, out var truncation) ? truncation.Tokens : entry.Tokens;

    /// <summary>Tokens a whole group costs in this window.</summary>
    public int CostOf(int group)
    {
        var g = Transcript.GroupAt(group);
        var members = g.MemberArray;
        if (_ratio == 1.0 && _truncations is null && members[^1] < Count)
        {
            return g.Tokens;
        }

        var cost = 0;
        foreach (var member in members)
        {
            if (member < Count)
            {
                cost += CostOfEntry(member);
            }
        }

        return cost;
    }

    /// <summary>Keeps a group if it fits in what remains.</summary>
    /// <returns>Whether the group is now kept (true also when it already was).</returns>
    public bool TryKeep(int group, KeepReason reason)
    {
        if (IsKept(group))
        {
            return true;
        }

        return TryKeep(group, reason, CostOf(group));
    }

    /// <summary>Keeps a group whose cost the caller already computed with <see cref="CostOf"/>, if it fits.</summary>
    internal bool TryKeep(int group, KeepReason reason, int cost)
    {
        if (IsKept(group))
        {
            return true;
        }

        if (cost > Remaining)
        {
            return false;
        }

        Mark(group, reason, cost);
        return true;
    }

    /// <summary>Keeps a group the caller knows is not kept and fits in what remains (cost from <see cref="CostOf"/>).</summary>
    internal void Keep(int group, KeepReason reason, int cost)
    {
        Debug.Assert(!IsKept(group) && cost <= Remaining, "Keep is for a group that is not kept and fits.");
        Mark(group, reason, cost);
    }

    /// <summary>Drops a group a stage kept earlier. System, pinned and query groups cannot be released.</summary>
    /// <returns>Whether the group was released.</returns>
    public bool Release(int group)
    {
        if (!IsKept(group) || group == QueryGroup || Transcript.GroupAt(group).IsMandatory)
        {
            return false;
        }

        var at = _kept.FindIndex(k => k.Group == group);
        _kept.RemoveAt(at);
        _marks?.Unmark(group);
        _version++;
        Used -= CostOf(group);
        return true;
    }

    /// <summary>Whether the window shows every entry as the transcript holds it: no truncated copies, no calibration.</summary>
    internal bool ShowsEntriesAsIs => _truncations is null && _ratio == 1.0 && _summary is null;

    /// <summary>The truncated copy of an entry, if a stage made one.</summary>
    public bool TryGetTruncation(int index, out ChatMessage message)
    {
        if (_truncations is not null && _truncations.TryGetValue(index, out var truncation))
        {
            message = truncation.Message;
            return true;
        }

        message = null!;
        return false;
    }

    // Mandatory groups are kept whatever the budget says; the caller checks the total and reports clearly.
    internal void KeepMandatory(int group, KeepReason reason)
    {
        if (!IsKept(group))
        {
            Mark(group, reason, CostOf(group));
        }
    }

    internal void SetTruncation(int index, ChatMessage message, int rawTokens)
    {
        var group = Transcript[index].Group;
        var kept = IsKept(group);
        var before = kept ? CostOf(group) : 0;
        (_truncations ??= [])[index] = new Truncation(message, rawTokens);
        if (kept)
        {
            Used += CostOf(group) - before;
        }
    }

    private void Mark(int group, KeepReason reason, int cost)
    {
        _version++;
        if (_marks is null)
        {
            throw new InvalidOperationException("This frame's window is already built: keep groups while a policy runs, not after the build.");
        }

        _marks.Mark(group);
        _kept.Add(new KeptGroup(group, reason));
        Used += cost;
    }

    private bool WasKept(int group)
    {
        foreach (var kept in _kept)
        {
            if (kept.Group == group)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct Truncation(ChatMessage Message, int Tokens);
}


namespace FiniteMemory;

/// <summary>
/// A conversation's running summary: its text and the transcript messages it covers, kept on the transcript
/// across turns and extended one fold at a time (<see cref="Stages.SummarizeStage"/>). Each fold adds only
/// messages not covered yet, so nothing is summarized twice.
/// </summary>
/// <remarks>
/// Undoing a failed turn (<see cref="OnTruncated"/>) returns the summary to the last fold that covers none of the
/// removed messages. Checkpoints save and restore it with the transcript.
/// </remarks>
internal sealed class RollingSummary : TranscriptState
{
    // What the summary covers, by transcript index: a message is tested in O(1) (the summarize stage scans every
    // older message each turn) and covered in O(1) (a first fold can cover thousands).
    private readonly System.Collections.BitArray _flags = new(0);
    private readonly List<Fold> _history = [];

    // Folds before a restored checkpoint's last one: their texts are not saved and they added nothing undoable, so
    // they are only counted (a checkpoint's fold count never turns into that many objects).
    private int _restoredFolds;
    private Placed? _placed;

    /// <summary>The summary text, or null before the first fold.</summary>
    public string? Text { get; private set; }

    /// <summary>Transcript indices of the messages the summary covers, ascending (computed on each call).</summary>
    public IReadOnlyList<int> Covered
    {
        get
        {
            var covered = new List<int>(CoveredCount);
            for (var i = 0; i < _flags.Length && covered.Count < CoveredCount; i++)
            {
                if (_flags[i])
                {
                    covered.Add(i);
                }
            }

            return covered;
        }
    }

    /// <summary>How many messages the summary covers.</summary>
    public int CoveredCount { get; private set; }

    /// <summary>The summarizer that wrote the current text (e.g. <c>extractive</c>, <c>llm</c>).</summary>
    public string? Summarizer { get; private set; }

    /// <summary>Folds so far.</summary>
    public int Folds => (int)Math.Min((long)_history.Count + _restoredFolds, int.MaxValue);

    /// <summary>The summary of <paramref name="transcript"/>, created on first use.</summary>
    public static RollingSummary For(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.GetState(static () => new RollingSummary());
    }

    /// <summary>Whether transcript entry <paramref name="index"/> is covered.</summary>
    public bool Covers(int index) => index < _flags.Length && _flags[index];

    /// <summary>Replaces the text and adds <paramref name="newlyCovered"/> (transcript indices) to what it covers.</summary>
    public void Apply(string text, IEnumerable<int> newlyCovered, string summarizer)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(newlyCovered);
        ArgumentNullException.ThrowIfNull(summarizer);
        var added = new List<int>();
        foreach (var index in newlyCovered)
        {
            if (!Covers(index))
            {
                Flag(index, true);
                added.Add(index);
            }
        }

        _history.Add(new Fold(Text, Summarizer, [.. added]));

        Text = text;
        Summarizer = summarizer;
        _placed = null;
    }

    /// <summary>Restores a saved summary (checkpoints). Replaces any current state.</summary>
    internal void Restore(string text, IEnumerable<int> covered, string summarizer, int folds)
    {
        _flags.SetAll(false);
        CoveredCount = 0;
        foreach (var index in covered)
        {
            if (!Covers(index))
            {
                Flag(index, true);
            }
        }

        // The intermediate texts are not saved; undoing past the restored fold clears the summary.
        _history.Clear();
        _history.Add(new Fold(null, null, [.. Covered]));
        _restoredFolds = Math.Max(folds - 1, 0);

        Text = text;
        Summarizer = summarizer;
        _placed = null;
    }

    /// <summary>
    /// The summary as a window shows it — the message, the ids it covers and its raw token count — made by
    /// <paramref name="create"/> once per fold rather than once per turn.
    /// </summary>
    internal Placed GetPlaced(Func<RollingSummary, Placed> create) => _placed ??= create(this);

    /// <inheritdoc />
    protected internal override void OnTruncated(int count)
    {
        while (_history.Count > 0 && CoversFrom(count))
        {
            var fold = _history[^1];
            _history.RemoveAt(_history.Count - 1);
            Text = fold.Text;
            Summarizer = fold.Summarizer;

            foreach (var index in fold.Added)
            {
                Flag(index, false);
            }

            _placed = null;
        }
    }

    // Whether any message at or above `index` is covered.
    private bool CoversFrom(int index)
    {
        for (var i = Math.Max(0, index); i < _flags.Length; i++)
        {
            if (_flags[i])
            {
                return true;
            }
        }

        return false;
    }

    private void Flag(int index, bool covered)
    {
        if (index >= _flags.Length)
        {
            _flags.Length = Math.Max(index + 1, _flags.Length * 2);
        }

        CoveredCount += covered ? 1 : -1;
        _flags[index] = covered;
    }

    /// <summary>The summary message of the current fold, what it covers and its raw tokens.</summary>
    internal sealed record Placed(Microsoft.Extensions.AI.ChatMessage Message, IReadOnlyList<string> Ids, int RawTokens);

    private sealed record Fold(string? Text, string? Summarizer, int[] Added);
}

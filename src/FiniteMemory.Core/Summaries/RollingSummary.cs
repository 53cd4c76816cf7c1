using FiniteMemory.Conversation;

namespace FiniteMemory.Summaries;

/// <summary>
/// A conversation's running summary: its text and the transcript messages it covers, kept on the transcript
/// across turns and extended one fold at a time (<see cref="Stages.SummarizeStage"/>). Each fold adds only
/// messages not covered yet, so nothing is summarized twice.
/// </summary>
/// <remarks>
/// Undoing a failed turn (<see cref="OnTruncated"/>) returns the summary to the last fold that covers none of the
/// removed messages. Checkpoints save and restore it with the transcript.
/// </remarks>
public sealed class RollingSummary : TranscriptState
{
    private readonly List<int> _covered = [];

    // _covered as flags by transcript index, so the summarize stage's scan of older messages is O(1) a message.
    private readonly System.Collections.BitArray _flags = new(0);
    private readonly List<Fold> _history = [];
    private Placed? _placed;

    /// <summary>The summary text, or null before the first fold.</summary>
    public string? Text { get; private set; }

    /// <summary>Transcript indices of the messages the summary covers, ascending.</summary>
    public IReadOnlyList<int> Covered => _covered;

    /// <summary>The summarizer that wrote the current text (e.g. <c>extractive</c>, <c>llm</c>).</summary>
    public string? Summarizer { get; private set; }

    /// <summary>Folds so far.</summary>
    public int Folds => _history.Count;

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
            var at = _covered.BinarySearch(index);
            if (at < 0)
            {
                _covered.Insert(~at, index);
                added.Add(index);
                Flag(index, true);
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
        _covered.Clear();
        _covered.AddRange(covered.Order().Distinct());
        _flags.SetAll(false);
        foreach (var index in _covered)
        {
            Flag(index, true);
        }

        _history.Clear();
        for (var i = 0; i < folds; i++)
        {
            // The intermediate texts are not saved; undoing past the restored fold clears the summary.
            _history.Add(new Fold(null, null, i == folds - 1 ? [.. _covered] : []));
        }

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
        while (_covered.Count > 0 && _covered[^1] >= count && _history.Count > 0)
        {
            var fold = _history[^1];
            _history.RemoveAt(_history.Count - 1);
            Text = fold.Text;
            Summarizer = fold.Summarizer;

            foreach (var index in fold.Added)
            {
                _covered.RemoveAt(_covered.BinarySearch(index));
                Flag(index, false);
            }

            _placed = null;
        }
    }

    private void Flag(int index, bool covered)
    {
        if (index >= _flags.Length)
        {
            _flags.Length = Math.Max(index + 1, _flags.Length * 2);
        }

        _flags[index] = covered;
    }

    /// <summary>The summary message of the current fold, what it covers and its raw tokens.</summary>
    internal sealed record Placed(Microsoft.Extensions.AI.ChatMessage Message, IReadOnlyList<string> Ids, int RawTokens);

    private sealed record Fold(string? Text, string? Summarizer, int[] Added);
}

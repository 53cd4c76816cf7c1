using System.Globalization;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Stages;

/// <summary>
/// The rolling summary: when the older messages that left the window and are not summarized yet reach
/// <c>foldAt</c> of the budget, folds them into the conversation's running summary (<see cref="RollingSummary"/>),
/// and places the summary in the window after the system messages. Incremental — each fold reads the previous
/// summary and only the newly evicted messages, never the same text twice — and bounded: the summary has at
/// most <c>budgetShare</c> of the budget (and <c>targetTokens</c>, when set), and each summarizer request stays
/// within the summarizer's <see cref="IConversationSummarizer.MaxInputTokens"/>, the messages folded in parts
/// (a message larger than that in pieces) when needed.
/// </summary>
/// <remarks>
/// <para>The summarizer is the frame's (<see cref="MemoryServices.Summarizer"/>), else the
/// <see cref="ExtractiveSummarizer"/>. Every model-written summary passes the <see cref="SummaryQualityGate"/>
/// (its numbers, dates and names must survive and none be invented); one that fails is asked for once more with
/// the gate's finding, then replaced by the extractive summary. The report notes each replacement.</para>
/// <para>Run it after the stages that keep recent messages (it summarizes what is older than them) and before
/// <see cref="SelectStage"/> (its tokens come first).</para>
/// </remarks>
public static class SummarizeStage
{
    // The parameters' defaults, shared with SummarizeAttribute's properties (StageAttributeDefaultsTests checks the pair).
    internal const double DefaultBudgetShare = 0.25;
    internal const int DefaultTargetTokens = 0;
    internal const double DefaultFoldAt = 0.1;
    internal const double DefaultMinFactRecall = 0.9;

    /// <summary>Extends and places the rolling summary.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="cancellationToken">Cancels summarizer calls.</param>
    /// <param name="budgetShare">Most of the budget the summary may take.</param>
    /// <param name="targetTokens">Most tokens the summary text may have (0: only the share bounds it).</param>
    /// <param name="foldAt">Fold when the unsummarized evicted messages reach this share of the budget.</param>
    /// <param name="minFactRecall">Share of numbers, dates and names a model-written summary must keep (the quality gate's threshold).</param>
    public static async ValueTask RunAsync(
        MemoryFrame frame,
        CancellationToken cancellationToken,
        double budgetShare = DefaultBudgetShare,
        int targetTokens = DefaultTargetTokens,
        double foldAt = DefaultFoldAt,
        double minFactRecall = DefaultMinFactRecall)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!(budgetShare > 0 && budgetShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(budgetShare), budgetShare, "The summary's budget share must be greater than 0 and at most 1.");
        }

        if (!(foldAt >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(foldAt), foldAt, "foldAt must not be negative.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(targetTokens);
        var transcript = frame.Transcript;
        var state = RollingSummary.For(transcript);
        var headerCost = frame.Calibrate(HeaderTokens(frame.Counter));
        var limit = (int)(frame.Budget * budgetShare);
        if (targetTokens > 0)
        {
            limit = Math.Min(limit, targetTokens + headerCost);
        }

        limit = Math.Min(limit, frame.Remaining);
        var textTarget = TextTokens(frame, limit - headerCost - 8);
        if (textTarget < 16)
        {
            // No room to write a summary this turn; one written earlier is still placed (shortened) if it fits.
            Place(frame, state);
            return;
        }

        // What left the window and is not summarized yet: groups older than the oldest recent one, not kept.
        var boundary = Boundary(frame);
        var pending = new List<int>();
        var pendingTokens = 0L;
        for (var g = 0; g < frame.GroupCount && transcript.GroupAt(g).First < boundary; g++)
        {
            if (frame.IsKept(g))
            {
                continue;
            }

            foreach (var member in transcript.GroupAt(g).MemberArray)
            {
                if (member < boundary && !state.Covers(member))
                {
                    pending.Add(member);
                    pendingTokens += transcript[member].Tokens;
                }
            }
        }

        if (pending.Count > 0 && pendingTokens >= foldAt * frame.Budget)
        {
            pending.Sort();
            await FoldAsync(frame, state, pending, textTarget, new SummaryQualityGate(minFactRecall), cancellationToken).ConfigureAwait(false);
        }

        Place(frame, state);
    }

    // The placeholder header's message tokens, per counter (a header costs about the same whatever it names).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ITokenCounter, object> HeaderCosts = [];

    private static int HeaderTokens(ITokenCounter counter) =>
        (int)HeaderCosts.GetValue(counter, static c => c.CountMessage(new ChatMessage(ChatRole.System, Header(0, string.Empty, string.Empty))));

    /// <summary>The header line of the summary message.</summary>
    internal static string Header(int messages, string first, string last) =>
        messages == 0
            ? "[Summary of 000 earlier messages, m0000–m0000; their full text is not shown]"
            : string.Create(CultureInfo.InvariantCulture, $"[Summary of {messages} earlier messages, {first}–{last}; their full text is not shown]");

    private static async ValueTask FoldAsync(MemoryFrame frame, RollingSummary state, List<int> pending, int target, SummaryQualityGate gate, CancellationToken cancellationToken)
    {
        var transcript = frame.Transcript;
        var counter = frame.Counter;
        var summarizer = frame.Services.Summarizer ?? ExtractiveSummarizer.Instance;

        // Parts that keep each request within the summarizer's input limit; a huge message goes in pieces.
        var parts = new List<(List<string> Lines, List<int> Indices)>();
        var capacity = summarizer.MaxInputTokens == int.MaxValue ? int.MaxValue : summarizer.MaxInputTokens - target - 256;
        if (capacity < 64)
        {
            throw new InvalidOperationException($"The summarizer '{summarizer.Name}' accepts {summarizer.MaxInputTokens} input tokens, too few for a {target}-token summary plus messages. Give it a larger input limit or lower the summary's share.");
        }

        var current = (Lines: new List<string>(), Indices: new List<int>());
        var currentTokens = 0L;
        foreach (var index in pending)
        {
            var message = transcript[index].Message;
            var line = MessageText.Speaker(message) + ": " + MessageText.Body(message);
            var tokens = (long)transcript[index].Tokens;
            foreach (var piece in tokens > capacity ? Pieces(line, counter, capacity) : [line])
            {
                var pieceTokens = tokens > capacity ? counter.CountTokens(piece) : tokens;
                if (current.Lines.Count > 0 && currentTokens + pieceTokens > capacity)
                {
                    parts.Add(current);
                    current = ([], []);
                    currentTokens = 0;
                }

                current.Lines.Add(piece);
                currentTokens += pieceTokens;
            }

            current.Indices.Add(index);
        }

        if (current.Lines.Count > 0)
        {
            parts.Add(current);
        }

        foreach (var (lines, indices) in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new SummaryRequest(state.Text, lines, target, counter);
            var (text, by) = await SummarizeCheckedAsync(frame, summarizer, request, gate, cancellationToken).ConfigureAwait(false);
            state.Apply(text, indices, by);
            frame.ReportSummaryCreated();
        }
    }

    private static async ValueTask<(string Text, string By)> SummarizeCheckedAsync(
        MemoryFrame frame,
        IConversationSummarizer summarizer,
        SummaryRequest request,
        SummaryQualityGate gate,
        CancellationToken cancellationToken)
    {
        var extractive = ExtractiveSummarizer.Summarize(request);
        if (summarizer is ExtractiveSummarizer)
        {
            return (extractive, summarizer.Name);
        }

        var source = (request.PreviousSummary ?? string.Empty) + "\n" + string.Join('\n', request.Lines);
        var floor = gate.Check(source, extractive, request.TargetTokens, request.Counter).FactRecall;
        string? problem = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            string text;
            try
            {
                text = await summarizer.SummarizeAsync(request with { Feedback = problem }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                frame.AddNote($"summary by '{summarizer.Name}' failed ({ex.GetType().Name}: {ex.Message}); the extractive summary was used");
                return (extractive, ExtractiveSummarizer.Instance.Name);
            }

            var verdict = gate.Check(source, text, request.TargetTokens, request.Counter, floor);
            if (verdict.Passed)
            {
                return (text, summarizer.Name);
            }

            problem = verdict.Problem;
        }

        frame.AddNote($"summary by '{summarizer.Name}' failed the quality gate twice ({problem}); the extractive summary was used");
        return (extractive, ExtractiveSummarizer.Instance.Name);
    }

    // Puts the running summary in the window, shortened for this window alone if what remains cannot hold it.
    private static void Place(MemoryFrame frame, RollingSummary state)
    {
        if (string.IsNullOrEmpty(state.Text) || state.CoveredCount == 0)
        {
            return;
        }

        var placed = state.GetPlaced(summary =>
        {
            var transcript = frame.Transcript;
            var ids = summary.Covered.Select(i => transcript[i].Id).ToArray();
            var message = new ChatMessage(ChatRole.System, Header(ids.Length, ids[0], ids[^1]) + "\n" + summary.Text);
            return new RollingSummary.Placed(message, ids, frame.Counter.CountMessage(message));
        });
        if (frame.TrySetSummary(placed.Message, placed.Ids, placed.RawTokens))
        {
            return;
        }

        var header = placed.Message.Text[..placed.Message.Text.IndexOf('\n', StringComparison.Ordinal)];
        var ids = placed.Ids;
        var room = TextTokens(frame, frame.Remaining - frame.Calibrate(frame.Counter.CountMessage(new ChatMessage(ChatRole.System, header))) - 8);
        if (room >= 16)
        {
            var shorter = ExtractiveSummarizer.Summarize(new SummaryRequest(state.Text, [], room, frame.Counter));
            if (shorter.Length > 0 && frame.TrySetSummary(new ChatMessage(ChatRole.System, header + "\n" + shorter), ids))
            {
                frame.AddNote("the summary was shortened to fit this window");
                return;
            }
        }

        frame.AddNote("the summary did not fit in this window");
    }

    // Where the recent part of the window begins: the first message of the oldest kept recent or query group.
    private static int Boundary(MemoryFrame frame)
    {
        var boundary = frame.QueryIndex >= 0 ? frame.QueryIndex : frame.Count;
        foreach (var kept in frame.Kept)
        {
            if (kept.Reason is KeepReason.Recent or KeepReason.Query)
            {
                boundary = Math.Min(boundary, frame.Transcript.GroupAt(kept.Group).First);
            }
        }

        return boundary;
    }

    // Uncalibrated tokens for calibrated room.
    private static int TextTokens(MemoryFrame frame, int calibrated) =>
        frame.CalibrationRatio > 0 ? (int)Math.Floor(calibrated / frame.CalibrationRatio) : calibrated;

    private static List<string> Pieces(string line, ITokenCounter counter, long capacity)
    {
        var pieces = new List<string>();
        var rest = line.AsSpan();
        var size = (int)Math.Min(capacity, int.MaxValue);
        while (!rest.IsEmpty)
        {
            var end = counter.GetIndexByTokenCount(rest, size, out _);
            if (end <= 0)
            {
                end = Math.Min(rest.Length, 1);
            }

            pieces.Add(rest[..end].ToString());
            rest = rest[end..];
        }

        return pieces;
    }
}

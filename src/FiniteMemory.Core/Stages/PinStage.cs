using System.Globalization;

namespace FiniteMemory.Stages;

/// <summary>
/// Keeps what every window must contain: system messages, pinned messages and the newest user message
/// (shortened with a marker only if it cannot fit whole). The engine runs it before any policy, so no
/// policy — built-in or user-declared — can build a window without them.
/// </summary>
public static class PinStage
{
    // KeepOpening's default, shared with PinAttribute (StageAttributeDefaultsTests checks the pair).
    internal const int DefaultFirstTurns = 0;

    /// <summary>Keeps the mandatory groups.</summary>
    /// <exception cref="MemoryBudgetException">The mandatory messages cannot fit, even with the newest user message truncated.</exception>
    public static void Run(MemoryFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);

        var mandatory = frame.Transcript.MandatoryGroupList;
        for (var i = 0; i < mandatory.Count && mandatory[i] < frame.GroupCount; i++)
        {
            var group = mandatory[i];
            frame.KeepMandatory(group, frame.Transcript.GroupAt(group).HasSystem ? KeepReason.System : KeepReason.Pinned);
        }

        if (frame.Used > frame.Budget)
        {
            throw new MemoryBudgetException(
                Format(
                    "The system and pinned messages need {0} tokens, but the window has {1} tokens for messages ({2}). Raise the budget or unpin messages.",
                    frame.Used,
                    frame.Budget,
                    DescribeBudget(frame)),
                frame.Budget,
                frame.Used);
        }

        var query = frame.QueryGroup;
        if (query < 0 || frame.IsKept(query))
        {
            return;
        }

        if (!frame.TryKeep(query, KeepReason.Query))
        {
            var remaining = frame.Remaining;
            if (!TruncateStage.TryFit(frame, query, remaining) || !frame.TryKeep(query, KeepReason.Query))
            {
                var entry = frame.Query!;
                throw new MemoryBudgetException(
                    Format(
                        "The newest user message '{0}' ({1} tokens) cannot fit even truncated: {2} tokens remain after the system and pinned messages ({3}). Raise the budget or unpin messages.",
                        entry.Id,
                        frame.CostOf(query),
                        remaining,
                        DescribeBudget(frame)),
                    frame.Budget,
                    frame.Used + frame.CostOf(query));
            }
        }
    }

    /// <summary>
    /// Keeps the opening of the conversation: the groups of the first <paramref name="firstTurns"/> user turns
    /// (and anything before the first user message), oldest first, skipping a group that does not fit.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <param name="firstTurns">How many user turns, counted from the first; 0 keeps nothing.</param>
    public static void KeepOpening(MemoryFrame frame, int firstTurns = DefaultFirstTurns)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(firstTurns);

        var transcript = frame.Transcript;
        for (var g = 0; g < frame.GroupCount && firstTurns > 0; g++)
        {
            if (transcript[transcript.GroupAt(g).First].Turn > firstTurns)
            {
                break;
            }

            if (!frame.IsKept(g))
            {
                frame.TryKeep(g, KeepReason.Opening);
            }
        }
    }

    private static string DescribeBudget(MemoryFrame frame) =>
        frame.Reserved == 0
            ? Format("budget {0}", frame.TotalBudget)
            : Format("budget {0} less {1} reserved for the reply, request framing and tools", frame.TotalBudget, frame.Reserved);

    private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}

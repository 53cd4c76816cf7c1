using FiniteMemory.Memory;

namespace FiniteMemory.Stages;

/// <summary>
/// Lays out the kept groups as the window the model sees: every kept message once, in transcript order,
/// truncated copies in place of their originals, and the summary of older messages (if a stage placed one)
/// after the leading system messages.
/// </summary>
public static class OrderStage
{
    private static WindowMessage SummaryMessage(FrameSummary summary) =>
        new(FrameSummary.Id, -1, summary.Message, summary.Tokens, false, KeepReason.Summary);

    /// <summary>The window's messages, chronological (a summary, if any, right after the leading system messages).</summary>
    public static IReadOnlyList<WindowMessage> Run(MemoryFrame frame) => Order(frame, out _);

    /// <summary>The window's messages, chronological, and their uncalibrated token total.</summary>
    internal static WindowMessage[] Order(MemoryFrame frame, out int rawTokens)
    {
        ArgumentNullException.ThrowIfNull(frame);

        var transcript = frame.Transcript;
        var count = 0;
        foreach (var kept in frame.Kept)
        {
            count += transcript.GroupAt(kept.Group).MemberArray.Length;
        }

        // Index and reason packed into one sortable key: one small array, no comparer delegate.
        var keys = new long[count];
        var n = 0;
        foreach (var kept in frame.Kept)
        {
            foreach (var member in transcript.GroupAt(kept.Group).MemberArray)
            {
                if (member < frame.Count)
                {
                    keys[n++] = ((long)member << 8) | (byte)kept.Reason;
                }
            }
        }

        Array.Sort(keys, 0, n);
        var summary = frame.Summary;
        var messages = new WindowMessage[n + (summary is null ? 0 : 1)];
        rawTokens = 0;
        var at = 0;
        for (var i = 0; i < n; i++)
        {
            var index = (int)(keys[i] >> 8);
            var entry = transcript[index];

            // The summary stands for older messages: it goes right after the leading system messages.
            if (summary is not null && at == i && !entry.IsSystem)
            {
                messages[at++] = SummaryMessage(summary);
                rawTokens += summary.RawTokens;
            }

            var truncated = frame.TryGetTruncation(index, out var copy);
            var raw = frame.RawCostOfEntry(entry);
            rawTokens += raw;
            messages[at++] = new WindowMessage(entry.Id, index, truncated ? copy : entry.Message, frame.Calibrate(raw), truncated, (KeepReason)(keys[i] & 0xFF));
        }

        if (summary is not null && at == n)
        {
            messages[at] = SummaryMessage(summary);
            rawTokens += summary.RawTokens;
        }

        return messages;
    }
}

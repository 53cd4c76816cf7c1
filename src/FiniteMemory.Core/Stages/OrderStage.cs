using FiniteMemory.Memory;

namespace FiniteMemory.Stages;

/// <summary>
/// Lays out the kept groups as the window the model sees: every kept message once, in transcript order,
/// truncated copies in place of their originals.
/// </summary>
public static class OrderStage
{
    /// <summary>The window's messages, chronological.</summary>
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
        var messages = new WindowMessage[n];
        rawTokens = 0;
        for (var i = 0; i < n; i++)
        {
            var index = (int)(keys[i] >> 8);
            var entry = transcript[index];
            var truncated = frame.TryGetTruncation(index, out var copy);
            var raw = frame.RawCostOfEntry(entry);
            rawTokens += raw;
            messages[i] = new WindowMessage(entry.Id, index, truncated ? copy : entry.Message, frame.Calibrate(raw), truncated, (KeepReason)(keys[i] & 0xFF));
        }

        return messages;
    }
}


namespace FiniteMemory.Stages;

/// <summary>
/// Lays out the kept groups as the window the model sees: every kept message once, in transcript order,
/// truncated copies in place of their originals, and the summary of older messages (if a stage placed one)
/// after the leading system messages.
/// </summary>
internal static class OrderStage
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
        var keptGroups = frame.KeptList;

        // Groups first, as (group, reason) keys: group indices ascend with their first member, and the kept list
        // is nearly in order already (mandatory groups ascending, the query, then recent groups newest first).
        Span<long> groups = keptGroups.Count <= 128 ? stackalloc long[keptGroups.Count] : new long[keptGroups.Count];
        var count = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            var kept = keptGroups[i];
            groups[i] = ((long)kept.Group << 8) | (byte)kept.Reason;
            count += transcript.GroupAt(kept.Group).MemberArray.Length;
        }

        SortNearlySorted(groups);

        // Then members, as (index, reason) keys, in group order: in order already unless groups interleave (a tool
        // result that arrived after later messages), which only then needs sorting.
        Span<long> keys = count <= 256 ? stackalloc long[count] : new long[count];
        var n = 0;
        var last = -1;
        var inOrder = true;
        foreach (var key in groups)
        {
            foreach (var member in transcript.GroupAt((int)(key >> 8)).MemberArray)
            {
                if (member < frame.Count)
                {
                    inOrder &= member > last;
                    last = member;
                    keys[n++] = ((long)member << 8) | (key & 0xFF);
                }
            }
        }

        if (!inOrder)
        {
            SortNearlySorted(keys[..n]);
        }

        if (frame.ShowsEntriesAsIs)
        {
            return AsIs(transcript, keys[..n], out rawTokens);
        }

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

    // The common case (no truncated copy, no calibration, no summary): each message as the transcript holds it.
    private static WindowMessage[] AsIs(Transcript transcript, ReadOnlySpan<long> keys, out int rawTokens)
    {
        var messages = new WindowMessage[keys.Length];
        var tokens = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            var entry = transcript[(int)(keys[i] >> 8)];
            tokens += entry.Tokens;
            messages[i] = new WindowMessage(entry.Id, entry.Index, entry.Message, entry.Tokens, false, (KeepReason)(keys[i] & 0xFF));
        }

        rawTokens = tokens;
        return messages;
    }

    /// <summary>
    /// Sorts distinct keys that are mostly in order or in descending runs: the runs are reversed, then an insertion
    /// sort finishes in linear time. Keys far from their place (a policy that kept groups in score order) would
    /// make it quadratic, so after a few shifts per key a general sort takes over.
    /// </summary>
    internal static void SortNearlySorted(Span<long> keys)
    {
        for (var i = 0; i + 1 < keys.Length;)
        {
            if (keys[i] > keys[i + 1])
            {
                var end = i + 1;
                while (end + 1 < keys.Length && keys[end] > keys[end + 1])
                {
                    end++;
                }

                keys[i..(end + 1)].Reverse();
                i = end + 1;
            }
            else
            {
                i++;
            }
        }

        var budget = (4 * keys.Length) + 16;
        for (var i = 1; i < keys.Length; i++)
        {
            var key = keys[i];
            var j = i - 1;
            while (j >= 0 && keys[j] > key)
            {
                if (--budget < 0)
                {
                    keys[j + 1] = key;
                    keys.Sort();
                    return;
                }

                keys[j + 1] = keys[j];
                j--;
            }

            keys[j + 1] = key;
        }
    }
}

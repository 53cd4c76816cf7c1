using FiniteMemory.Memory;

namespace FiniteMemory.Stages;

/// <summary>
/// Lays out the kept groups as the window the model sees: every kept message once, in transcript order,
/// truncated copies in place of their originals.
/// </summary>
public static class OrderStage
{
    /// <summary>The window's messages, chronological.</summary>
    public static IReadOnlyList<WindowMessage> Run(MemoryFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);

        var indices = new List<(int Index, KeepReason Reason)>(frame.Kept.Count + 4);
        foreach (var kept in frame.Kept)
        {
            foreach (var member in frame.Transcript.Groups[kept.Group].Members)
            {
                if (member < frame.Count)
                {
                    indices.Add((member, kept.Reason));
                }
            }
        }

        indices.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        var messages = new WindowMessage[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            var (index, reason) = indices[i];
            var entry = frame.Transcript[index];
            var truncated = frame.TryGetTruncation(index, out var copy);
            messages[i] = new WindowMessage(entry.Id, index, truncated ? copy : entry.Message, frame.CostOfEntry(index), truncated, reason);
        }

        return messages;
    }
}

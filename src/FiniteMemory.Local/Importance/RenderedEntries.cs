using FiniteMemory.Local.Chat;

namespace FiniteMemory.Local.Importance;

/// <summary>
/// Entries rendered with the chat template as one token sequence, with the span each entry's tokens occupy, then
/// the query's span and the generation prompt. Entries that do not fit in the model's positions are dropped from
/// the oldest (their spans are empty and they get no score).
/// </summary>
internal sealed class RenderedEntries
{
    private RenderedEntries(List<int> ids, (int Start, int End)[] spans, int queryStart, int queryEnd)
    {
        Ids = ids;
        Spans = spans;
        QueryStart = queryStart;
        QueryEnd = queryEnd;
    }

    /// <summary>The whole sequence.</summary>
    public List<int> Ids { get; }

    /// <summary>Per entry, its tokens' range in <see cref="Ids"/>; (0, 0) when it was dropped.</summary>
    public (int Start, int End)[] Spans { get; }

    /// <summary>Where the query's message (or, without a query, the generation prompt) starts.</summary>
    public int QueryStart { get; }

    /// <summary>Where the query's message ends (equal to <see cref="QueryStart"/> without a query).</summary>
    public int QueryEnd { get; }

    public static RenderedEntries Render(ChatPromptEncoder encoder, IReadOnlyList<MemoryEntry> entries, MemoryEntry? query, int maxPositions)
    {
        var pieces = new List<int>[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            pieces[i] = [];
            encoder.AppendMessage(pieces[i], entries[i].Message);
        }

        var head = new List<int>();
        encoder.AppendPrefix(head);
        var queryIds = new List<int>();
        if (query is not null)
        {
            encoder.AppendMessage(queryIds, query.Message);
        }

        var tail = new List<int>();
        encoder.AppendGenerationPrompt(tail);

        var total = head.Count + queryIds.Count + tail.Count + pieces.Sum(static p => p.Count);
        var first = 0;
        while (first < entries.Count && total > maxPositions)
        {
            total -= pieces[first].Count;
            first++;
        }

        var ids = new List<int>(total);
        ids.AddRange(head);
        var spans = new (int, int)[entries.Count];
        for (var i = first; i < entries.Count; i++)
        {
            spans[i] = (ids.Count, ids.Count + pieces[i].Count);
            ids.AddRange(pieces[i]);
        }

        var queryStart = ids.Count;
        ids.AddRange(queryIds);
        var queryEnd = ids.Count;
        ids.AddRange(tail);
        return new RenderedEntries(ids, spans, queryStart, queryEnd);
    }
}

namespace FiniteMemory.Text;

/// <summary>Splits text into sentences: after <c>.</c>, <c>!</c>, <c>?</c>, <c>…</c> or CJK full stops followed by a space or the end, and at line breaks.</summary>
public static class Sentences
{
    /// <summary>The sentences of <paramref name="text"/>, trimmed, empty ones dropped, as ranges into it.</summary>
    public static List<Range> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = new List<Range>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var end = c switch
            {
                '\n' => true,
                '.' or '!' or '?' or '…' => i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]) || text[i + 1] is '"' or '\'' or ')',
                '。' or '！' or '？' => true,
                _ => false,
            };

            // "e.g." / "Dr." / "3.5": a period followed by a lower-case letter or digit is not an end.
            if (end && c == '.' && i + 2 < text.Length && char.IsWhiteSpace(text[i + 1]) && char.IsLower(text[i + 2]))
            {
                end = false;
            }

            if (end)
            {
                Add(text, sentences, start, c == '\n' ? i : i + 1);
                start = i + 1;
            }
        }

        Add(text, sentences, start, text.Length);
        return sentences;
    }

    private static void Add(string text, List<Range> sentences, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            sentences.Add(start..end);
        }
    }
}

namespace FiniteMemory;

/// <summary>
/// Splits text into sentences: after <c>.</c>, <c>!</c>, <c>?</c>, <c>…</c> or CJK full stops followed by a space or the
/// end (a period after an abbreviation such as <c>e.g.</c> or <c>Dr.</c> excepted), and at line breaks.
/// </summary>
internal static class Sentences
{
    private static readonly string[] Abbreviations = ["mr", "mrs", "ms", "dr", "st", "vs", "etc", "approx", "no", "jr", "sr", "prof", "inc", "ltd", "co", "ca", "cf"];

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

            // "e.g. this", "Dr. Okafor", "vs. them": a period after an abbreviation is not an end.
            if (end && c == '.' && IsAbbreviation(text, i))
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

    // The word before the period at `dot` is a known abbreviation or has a period inside ("e.g", "i.e").
    private static bool IsAbbreviation(string text, int dot)
    {
        var start = dot;
        while (start > 0 && (char.IsLetter(text[start - 1]) || text[start - 1] == '.'))
        {
            start--;
        }

        var word = text.AsSpan(start, dot - start);
        if (word.Length == 0)
        {
            return false;
        }

        if (word.Contains('.'))
        {
            return true;
        }

        foreach (var abbreviation in Abbreviations)
        {
            if (word.Equals(abbreviation, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
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

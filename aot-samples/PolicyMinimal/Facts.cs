namespace PolicyMinimal;

/// <summary>The terms that can identify a fact in a message: numbers and dates, and words that are not common.</summary>
internal static class Facts
{
    private static readonly HashSet<string> CommonWords = new(StringComparer.Ordinal)
    {
        "about", "after", "again", "also", "before", "could", "from", "have", "into", "just", "like", "more", "much",
        "please", "remind", "some", "than", "that", "them", "then", "there", "they", "this", "what", "when", "where",
        "which", "will", "with", "would", "your",
    };

    /// <summary>
    /// The distinct terms of <paramref name="text"/>, lower case: every run of letters and digits (hyphens
    /// inside allowed, so <c>2031-06-14</c> is one term) that holds a digit or is a word of four letters or
    /// more that is not a common word.
    /// </summary>
    public static HashSet<string> Terms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && (char.IsLetterOrDigit(text[i]) || (text[i] == '-' && start >= 0)))
            {
                start = start < 0 ? i : start;
                continue;
            }

            if (start >= 0)
            {
                var term = text[start..i].TrimEnd('-').ToLowerInvariant();
                if (IsNumber(term) || (term.Length >= 4 && !CommonWords.Contains(term)))
                {
                    terms.Add(term);
                }

                start = -1;
            }
        }

        return terms;
    }

    /// <summary>Whether a term states a number, a date or a code (it holds a digit).</summary>
    public static bool IsNumber(string term) => term.AsSpan().ContainsAnyInRange('0', '9');
}

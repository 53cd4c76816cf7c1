using System.Collections.Frozen;

namespace FiniteMemory;

/// <summary>
/// The checkable facts of a text — numbers (with codes such as <c>BA249</c> or <c>10:30</c>), dates (month and
/// weekday names) and proper names — as the summary quality gate and the importance heuristic see them.
/// </summary>
/// <remarks>
/// A capitalized word is a name when it is not the first word of a sentence, or when the same text also uses
/// it capitalized mid-sentence; "I" and stop words never are. Facts are compared case-insensitively, numbers
/// without thousands separators.
/// </remarks>
internal sealed class Facts
{
    private static readonly FrozenSet<string> DateWords = FrozenSet.Create(
        StringComparer.Ordinal,
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> DateLookup = DateWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private Facts(HashSet<string> numbers, HashSet<string> dates, HashSet<string> names)
    {
        Numbers = numbers;
        Dates = dates;
        Names = names;
    }

    /// <summary>Numbers and codes containing digits, normalized (lower case, no thousands separators).</summary>
    public IReadOnlySet<string> Numbers { get; }

    /// <summary>Month and weekday names, lower case.</summary>
    public IReadOnlySet<string> Dates { get; }

    /// <summary>Proper names, lower case.</summary>
    public IReadOnlySet<string> Names { get; }

    /// <summary>How many facts there are.</summary>
    public int Count => Numbers.Count + Dates.Count + Names.Count;

    /// <summary>Every fact, numbers first.</summary>
    public IEnumerable<string> All => Numbers.Concat(Dates).Concat(Names);

    /// <summary>Finds the facts of <paramref name="text"/>.</summary>
    public static Facts Extract(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        var dates = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (word, start) in Words(text))
        {
            var lower = word.ToLowerInvariant();
            switch (Classify(text, start, word, lower))
            {
                case Kind.Number:
                    numbers.Add(Normalize(lower));
                    break;
                case Kind.Date:
                    dates.Add(lower);
                    break;
                case Kind.Name:
                    names.Add(lower);
                    break;
            }
        }

        return new Facts(numbers, dates, names);
    }

    /// <summary>How many fact words (numbers, dates, names, as <see cref="Extract"/> finds them, repeats included) <paramref name="text"/> has, without collecting them.</summary>
    public static int CountIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<char> buffer = stackalloc char[Terms.MaxTermLength];
        var count = 0;
        var at = 0;
        while (NextWord(text, ref at, out var start, out var length))
        {
            var word = text.AsSpan(start, length);
            var lower = word.Length <= buffer.Length ? buffer[..word.ToLowerInvariant(buffer)] : word.ToString().ToLowerInvariant().AsSpan();
            count += Classify(text, start, word, lower) == Kind.None ? 0 : 1;
        }

        return count;
    }

    // What the word at `start` is: a number (it has a digit), a date word (capitalized, or long enough not to be a
    // common word: "monday" but not "mar"), or a name (capitalized, not "I", not a stop word, not a sentence's first
    // word — one that is counts when the text also capitalizes it elsewhere, which lands here for the other use).
    private static Kind Classify(string text, int start, ReadOnlySpan<char> word, ReadOnlySpan<char> lower)
    {
        if (word.ContainsAnyInRange('0', '9'))
        {
            return Kind.Number;
        }

        if (DateLookup.Contains(lower) && (char.IsUpper(word[0]) || lower.Length > 3))
        {
            return Kind.Date;
        }

        return char.IsUpper(word[0]) && word.Length > 1 && !word.SequenceEqual("I") && !StopWords.Contains(lower) && !IsSentenceStart(text, start)
            ? Kind.Name
            : Kind.None;
    }

    /// <summary>The normalized words and numbers of <paramref name="text"/>, for checking which facts it states.</summary>
    public static HashSet<string> Vocabulary(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (word, _) in Words(text))
        {
            var lower = word.ToLowerInvariant();
            words.Add(word.Any(char.IsAsciiDigit) ? Normalize(lower) : lower);
        }

        return words;
    }

    /// <summary>The facts of this set that <paramref name="vocabulary"/> (see <see cref="Vocabulary"/>) does not contain.</summary>
    public List<string> MissingFrom(HashSet<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return [.. All.Where(f => !vocabulary.Contains(f))];
    }

    private static IEnumerable<(string Word, int Start)> Words(string text)
    {
        var at = 0;
        while (NextWord(text, ref at, out var start, out var length))
        {
            yield return (text.Substring(start, length), start);
        }
    }

    // Words are runs of letters and digits; '.', ',', ':', '/' and '-' between two digits stay inside ("3.5",
    // "10:30", "2024-05-01"). Finds the next word at or after `at` and moves `at` past it.
    private static bool NextWord(string text, ref int at, out int start, out int length)
    {
        start = -1;
        for (var i = at; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            var inside = char.IsLetterOrDigit(c)
                || (start >= 0 && c is '.' or ',' or ':' or '/' or '-' && i > 0 && char.IsAsciiDigit(text[i - 1]) && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]));
            if (inside)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                length = i - start;
                at = i;
                return true;
            }
        }

        at = text.Length;
        length = 0;
        return false;
    }

    private static string Normalize(string number) => number.Contains(',', StringComparison.Ordinal) ? number.Replace(",", string.Empty, StringComparison.Ordinal) : number;

    private static bool IsSentenceStart(string text, int start)
    {
        for (var i = start - 1; i >= 0; i--)
        {
            var c = text[i];
            if (c == '\n')
            {
                return true;
            }

            if (char.IsWhiteSpace(c) || c is '"' or '\'' or '(' or '*' or '-' or '“' or '‘')
            {
                continue;
            }

            return c is '.' or '!' or '?' or ':' or '…';
        }

        return true;
    }

    private enum Kind
    {
        None,
        Number,
        Date,
        Name,
    }
}

namespace FiniteMemory.Text;

/// <summary>
/// Splits text into the terms lexical relevance compares: lower-case runs of letters and digits, stop words
/// dropped, English plurals and possessives folded (<c>dogs</c>, <c>dog's</c> → <c>dog</c>). Each CJK ideograph
/// or kana is a term of its own, so scripts written without spaces still match.
/// </summary>
/// <remarks>
/// Deliberately light: no dictionary, no aggressive stemming that merges unrelated words. Semantic matching
/// (paraphrases, inflections) is the embedder's job.
/// </remarks>
public static class Terms
{
    /// <summary>The longest term kept; longer runs (hashes, base64) are cut to this.</summary>
    public const int MaxTermLength = 40;

    /// <summary>Calls <paramref name="onTerm"/> with each term of <paramref name="text"/>, in order.</summary>
    /// <param name="text">The text.</param>
    /// <param name="state">Passed to <paramref name="onTerm"/>.</param>
    /// <param name="onTerm">Receives each term (a span valid only during the call) and <paramref name="state"/>.</param>
    /// <param name="keepStopWords">Also report stop words.</param>
    public static void Split<TState>(ReadOnlySpan<char> text, TState state, TermAction<TState> onTerm, bool keepStopWords = false)
    {
        ArgumentNullException.ThrowIfNull(onTerm);
        Span<char> buffer = stackalloc char[MaxTermLength];
        var length = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (IsIdeograph(c))
            {
                Flush(buffer, ref length, state, onTerm, keepStopWords);
                buffer[0] = c;
                onTerm(buffer[..1], state);
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                if (length < MaxTermLength)
                {
                    buffer[length++] = char.ToLowerInvariant(c);
                }

                continue;
            }

            // An apostrophe inside a word: "dog's" and "don't" end the word before it; the tail is dropped or a stop word.
            Flush(buffer, ref length, state, onTerm, keepStopWords);
        }
    }

    /// <summary>The terms of <paramref name="text"/> as strings, in order.</summary>
    public static List<string> Of(ReadOnlySpan<char> text, bool keepStopWords = false)
    {
        var terms = new List<string>();
        Split(text, terms, static (term, list) => list.Add(term.ToString()), keepStopWords);
        return terms;
    }

    /// <summary>Folds an English plural or a common inflection of a lower-case word in place; returns the new length.</summary>
    public static int Stem(Span<char> word)
    {
        var n = word.Length;
        if (n <= 3 || !char.IsAsciiLetterLower(word[n - 1]))
        {
            return n;
        }

        if (word.EndsWith("ies") && n > 4)
        {
            word[n - 3] = 'y';
            return n - 2;
        }

        if (word.EndsWith("sses") || word.EndsWith("xes") || word.EndsWith("ches") || word.EndsWith("shes"))
        {
            return n - 2;
        }

        if (word[n - 1] == 's' && word[n - 2] is not ('s' or 'u' or 'i'))
        {
            return n - 1;
        }

        return n;
    }

    private static void Flush<TState>(Span<char> buffer, ref int length, TState state, TermAction<TState> onTerm, bool keepStopWords)
    {
        if (length == 0)
        {
            return;
        }

        var word = buffer[..length];
        length = 0;
        if (!keepStopWords && StopWords.Contains(word))
        {
            return;
        }

        word = word[..Stem(word)];
        onTerm(word, state);
    }

    // CJK ideographs, kana and Hangul syllables: scripts where a character is a meaningful unit.
    private static bool IsIdeograph(char c) =>
        c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\uAC00' and <= '\uD7AF') or (>= '\uF900' and <= '\uFAFF');
}

/// <summary>Receives one term from <see cref="Terms.Split{TState}"/>.</summary>
/// <param name="term">The term; valid only during the call.</param>
/// <param name="state">The caller's state.</param>
public delegate void TermAction<in TState>(ReadOnlySpan<char> term, TState state);

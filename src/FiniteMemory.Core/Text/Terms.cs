namespace FiniteMemory;

/// <summary>
/// Splits text into the terms lexical relevance compares: lower-case runs of letters and digits, stop words
/// dropped, English inflections folded (<c>dogs</c>, <c>dog's</c> → <c>dog</c>; <c>painting</c> → <c>paint</c>; see
/// <see cref="Stem"/>). Each CJK ideograph
/// or kana is a term of its own, so scripts written without spaces still match.
/// </summary>
/// <remarks>
/// Deliberately light: no dictionary, no aggressive stemming that merges unrelated words. Semantic matching
/// (paraphrases, inflections) is the embedder's job.
/// </remarks>
internal static class Terms
{
    /// <summary>The longest term kept; longer runs (hashes, base64) are cut to this.</summary>
    public const int MaxTermLength = 40;

    /// <summary>Calls <paramref name="onTerm"/> with each term of <paramref name="text"/>, in order (stop words, when kept, unstemmed).</summary>
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

    /// <summary>
    /// Folds English inflections of a lower-case word in place — step 1 of the Porter stemmer: plurals
    /// (<c>ponies</c> → <c>poni</c>), <c>-ed</c> and <c>-ing</c> (<c>painting</c>, <c>painted</c> → <c>paint</c>,
    /// <c>hoping</c> → <c>hope</c>) and a final <c>y</c> after a vowel-bearing stem (<c>happy</c> → <c>happi</c>).
    /// Words with other characters than a–z are left alone.
    /// </summary>
    /// <returns>The stem's length.</returns>
    public static int Stem(Span<char> word)
    {
        var n = word.Length;
        if (n <= 2)
        {
            return n;
        }

        foreach (var c in word)
        {
            if (!char.IsAsciiLetterLower(c))
            {
                return n;
            }
        }

        // Step 1a: plurals.
        if (word.EndsWith("sses") || word.EndsWith("ies"))
        {
            n -= 2;
        }
        else if (word[..n].EndsWith("s") && !word[..n].EndsWith("ss"))
        {
            n--;
        }

        // Step 1b: -eed, -ed, -ing.
        var w = word[..n];
        var restore = false;
        if (w.EndsWith("eed"))
        {
            if (Measure(w[..^3]) > 0)
            {
                n--;
            }
        }
        else if (w.EndsWith("ed") && HasVowel(w[..^2]))
        {
            n -= 2;
            restore = true;
        }
        else if (w.EndsWith("ing") && HasVowel(w[..^3]))
        {
            n -= 3;
            restore = true;
        }

        if (restore)
        {
            w = word[..n];
            if (w.EndsWith("at") || w.EndsWith("bl") || w.EndsWith("iz"))
            {
                word[n++] = 'e';
            }
            else if (n >= 2 && w[^1] == w[^2] && !IsVowel(w, n - 1) && w[^1] is not ('l' or 's' or 'z'))
            {
                n--;
            }
            else if (Measure(w) == 1 && EndsConsonantVowelConsonant(w))
            {
                word[n++] = 'e';
            }
        }

        // Step 1c: y → i after a stem with a vowel.
        if (n > 1 && word[n - 1] == 'y' && HasVowel(word[..(n - 1)]))
        {
            word[n - 1] = 'i';
        }

        return n;
    }

    // Porter's consonant test: y is a consonant at the start or after a vowel.
    private static bool IsVowel(ReadOnlySpan<char> w, int i) =>
        w[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' => true,
            'y' => i > 0 && !IsVowel(w, i - 1),
            _ => false,
        };

    private static bool HasVowel(ReadOnlySpan<char> w)
    {
        for (var i = 0; i < w.Length; i++)
        {
            if (IsVowel(w, i))
            {
                return true;
            }
        }

        return false;
    }

    // m in [C](VC)^m[V]: the number of vowel-consonant sequences.
    private static int Measure(ReadOnlySpan<char> w)
    {
        var m = 0;
        var i = 0;
        while (i < w.Length && !IsVowel(w, i))
        {
            i++;
        }

        while (i < w.Length)
        {
            while (i < w.Length && IsVowel(w, i))
            {
                i++;
            }

            if (i >= w.Length)
            {
                break;
            }

            while (i < w.Length && !IsVowel(w, i))
            {
                i++;
            }

            m++;
        }

        return m;
    }

    // *o: ends consonant-vowel-consonant, the last not w, x or y ("hop" in "hoping").
    private static bool EndsConsonantVowelConsonant(ReadOnlySpan<char> w) =>
        w.Length >= 3 && !IsVowel(w, w.Length - 3) && IsVowel(w, w.Length - 2) && !IsVowel(w, w.Length - 1) && w[^1] is not ('w' or 'x' or 'y');

    private static void Flush<TState>(Span<char> buffer, ref int length, TState state, TermAction<TState> onTerm, bool keepStopWords)
    {
        if (length == 0)
        {
            return;
        }

        var word = buffer[..length];
        length = 0;
        if (StopWords.Contains(word))
        {
            // Function words are never stemmed ("was" is not "wa"); most callers drop them.
            if (keepStopWords)
            {
                onTerm(word, state);
            }

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
internal delegate void TermAction<in TState>(ReadOnlySpan<char> term, TState state);

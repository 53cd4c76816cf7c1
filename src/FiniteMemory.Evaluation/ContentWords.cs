using System.Collections.Frozen;

namespace FiniteMemory.Evaluation;

/// <summary>
/// The words answer recall compares: text lowercased (invariant) and split on every character that is not a
/// letter or digit; an answer's content words are those words minus a small list of English stop words.
/// </summary>
internal static class ContentWords
{
    /// <summary>Function words that say nothing about an answer (pronouns, articles, auxiliaries, common prepositions, contraction tails).</summary>
    public static readonly FrozenSet<string> StopWords = FrozenSet.Create(
        StringComparer.Ordinal,
        "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as", "into",
        "about", "up", "out", "over", "off", "than", "then", "so", "if", "not", "no",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has", "had",
        "will", "would", "can", "could", "should", "shall", "may", "might", "must",
        "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his", "she", "her", "hers",
        "it", "its", "they", "them", "their", "theirs", "this", "that", "these", "those", "there", "here",
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
        "s", "t", "m", "d", "ll", "re", "ve");

    /// <summary>Every word of <paramref name="text"/>, lowercased, in order (repeats included).</summary>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }

        return words;
    }

    /// <summary>Adds every word of <paramref name="text"/> to <paramref name="set"/>.</summary>
    public static void AddWords(string text, HashSet<string> set)
    {
        foreach (var word in Words(text))
        {
            set.Add(word);
        }
    }

    /// <summary>The words of <paramref name="text"/> that are not stop words, each once, in order of first appearance.</summary>
    public static List<string> Content(string text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var content = new List<string>();
        foreach (var word in Words(text))
        {
            if (!StopWords.Contains(word) && seen.Add(word))
            {
                content.Add(word);
            }
        }

        return content;
    }

    /// <summary>
    /// The words a window must contain for an answer to count as recalled: its content words, or all its words
    /// when it has no content word (an answer such as "yes").
    /// </summary>
    public static List<string> OfAnswer(string answer)
    {
        var content = Content(answer);
        return content.Count > 0 ? content : [.. Words(answer).Distinct(StringComparer.Ordinal)];
    }
}

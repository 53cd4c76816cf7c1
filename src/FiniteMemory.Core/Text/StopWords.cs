using System.Collections.Frozen;

namespace FiniteMemory;

/// <summary>English function words that carry no topic: left out of lexical relevance, summaries' term counts and answer matching.</summary>
internal static class StopWords
{
    private static readonly FrozenSet<string> Words = FrozenSet.Create(
        StringComparer.Ordinal,
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
        "can", "could", "did", "do", "does", "doing", "done", "down", "during",
        "each", "else", "even", "ever", "every", "few", "for", "from", "further",
        "get", "gets", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
        "i", "if", "im", "in", "into", "is", "it", "its", "itself", "ive", "just", "let", "lets",
        "me", "might", "more", "most", "much", "must", "my", "myself", "no", "nor", "not", "now",
        "of", "off", "oh", "ok", "okay", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
        "really", "same", "shall", "she", "should", "so", "some", "such",
        "than", "that", "thats", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
        "under", "until", "up", "us", "very", "was", "we", "well", "were", "what", "whats", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
        "yeah", "yes", "yet", "you", "your", "yours", "yourself", "yourselves",
        "s", "t", "d", "ll", "m", "re", "ve", "don", "didn", "doesn", "isn", "wasn", "aren", "weren", "won", "wouldn", "couldn", "shouldn", "haven", "hasn", "hadn");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Words.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Whether a lower-case word is a stop word.</summary>
    public static bool Contains(ReadOnlySpan<char> word) => Lookup.Contains(word);
}

using System.Globalization;

namespace FiniteMemory;

/// <summary>
/// Shortens text to a token limit by keeping its head and its tail, cut at sentence boundaries where
/// possible, with a visible marker between them saying how much was left out — so neither the model nor
/// a person reading the window mistakes a truncated message for a complete one.
/// </summary>
internal static class TextTruncator
{
    /// <summary>The words every truncation marker contains, to recognise one.</summary>
    public const string MarkerTag = "truncated by FiniteMemory";

    /// <summary>The fewest content tokens worth keeping around a marker; below this, truncation fails.</summary>
    public const int MinContentTokens = 4;

    // The head gets two thirds: the start of a message usually states what it is about.
    private const double HeadShare = 2.0 / 3.0;

    // A boundary is used only if snapping to it gives up at most this share of the head or tail.
    private const double MaxSnapLoss = 0.4;

    /// <summary>The marker placed where text was removed.</summary>
    public static string Marker(int omittedTokens) =>
        string.Create(CultureInfo.InvariantCulture, $"\n[… {omittedTokens} tokens {MarkerTag} …]\n");

    /// <summary>
    /// Returns <paramref name="text"/> if it fits in <paramref name="maxTokens"/>, otherwise its head and tail
    /// around a <see cref="Marker"/>, guaranteed to count at most <paramref name="maxTokens"/> tokens.
    /// </summary>
    /// <returns>The text that fits, or <see langword="null"/> when even a marker with a few tokens of content cannot fit.</returns>
    public static string? Truncate(ITokenCounter counter, string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(text);

        var total = counter.CountTokens(text);
        if (total <= maxTokens)
        {
            return text;
        }

        var markerTokens = counter.CountTokens(Marker(total));
        var available = maxTokens - markerTokens;
        for (var attempt = 0; attempt < 8 && available >= MinContentTokens; attempt++)
        {
            var headBudget = (int)Math.Ceiling(available * HeadShare);
            var tailBudget = available - headBudget;
            var headEnd = counter.GetIndexByTokenCount(text, headBudget, out _);
            var tailStart = tailBudget > 0 ? counter.GetIndexByTokenCountFromEnd(text, tailBudget, out _) : text.Length;
            tailStart = Math.Max(tailStart, headEnd);

            headEnd = SnapHeadEnd(text, headEnd);
            tailStart = SnapTailStart(text, tailStart, headEnd);

            var head = text.AsSpan(0, headEnd).TrimEnd();
            var tail = text.AsSpan(tailStart).TrimStart();
            var omitted = Math.Max(1, total - counter.CountTokens(head) - counter.CountTokens(tail));
            var result = string.Concat(head, Marker(omitted), tail);
            var count = counter.CountTokens(result);
            if (count <= maxTokens)
            {
                return result;
            }

            // Tokens can merge differently across the new seams; shrink by the overshoot and try again.
            available -= count - maxTokens;
        }

        return null;
    }

    private static bool IsSentenceEnd(char c) => c is '.' or '!' or '?' or '\n' or '…' or '。' or '！' or '？' or '؟' or '।';

    private static bool IsCjkSentenceEnd(char c) => c is '。' or '！' or '？';

    // Moves the head's end left to just after a sentence end (or failing that a space) if little is lost.
    private static int SnapHeadEnd(string text, int headEnd)
    {
        if (headEnd <= 0 || headEnd >= text.Length)
        {
            return headEnd;
        }

        var floor = headEnd - (int)(headEnd * MaxSnapLoss);
        for (var i = headEnd - 1; i >= floor; i--)
        {
            var c = text[i];
            if (IsSentenceEnd(c) && (IsCjkSentenceEnd(c) || c == '\n' || i + 1 >= text.Length || char.IsWhiteSpace(text[i + 1])))
            {
                return i + 1;
            }
        }

        for (var i = headEnd - 1; i >= floor; i--)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        return headEnd;
    }

    // Moves the tail's start right to the beginning of a sentence (or failing that a word) if little is lost.
    private static int SnapTailStart(string text, int tailStart, int headEnd)
    {
        if (tailStart <= headEnd || tailStart >= text.Length)
        {
            return Math.Max(tailStart, headEnd);
        }

        var ceiling = tailStart + (int)((text.Length - tailStart) * MaxSnapLoss);
        for (var i = tailStart; i < ceiling && i < text.Length; i++)
        {
            if (i > 0 && IsSentenceEnd(text[i - 1]) && (IsCjkSentenceEnd(text[i - 1]) || char.IsWhiteSpace(text[i]) || text[i - 1] == '\n'))
            {
                return i;
            }
        }

        for (var i = tailStart; i < ceiling && i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        return tailStart;
    }
}

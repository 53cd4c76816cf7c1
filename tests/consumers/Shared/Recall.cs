namespace Consumers;

/// <summary>
/// What the consumer apps' fake models answer: deterministic, and knowing only the window they were sent. They say how
/// many messages it held and, asked a question, quote the earlier message sharing the most terms with it; so an answer
/// holds a planted fact only if the memory policy kept the message stating it.
/// </summary>
internal static class Recall
{
    private static readonly char[] Separators = [' ', ',', '.', '?', '!', ':', ';', '"', '\n', '\t'];

    /// <summary>The answer to <paramref name="window"/> (role and text of each message, oldest first).</summary>
    public static string Answer(IReadOnlyList<(string Role, string Text)> window, string persona, int quoteChars)
    {
        var text = $"[{persona}] I was sent {window.Count} messages.";
        var question = window.LastOrDefault(static m => m.Role == "user");
        if (question.Text is null || !question.Text.TrimEnd().EndsWith('?'))
        {
            return text;
        }

        var asked = Terms(question.Text);
        var best = window
            .Take(window.Count - 1)
            .Where(static m => m.Role != "system")
            .Select(m => (m.Text, Matches: Terms(m.Text).Count(asked.Contains)))
            .Where(static c => c.Matches > 0)
            .OrderByDescending(static c => c.Matches)
            .Select(static c => c.Text)
            .FirstOrDefault();
        if (best is null)
        {
            return text + " Nothing I was sent answers that.";
        }

        var quote = best.Length <= quoteChars ? best : best[..quoteChars] + "…";
        return text + $" You said: \"{quote}\"";
    }

    // Lower-case words of five letters or more, and anything holding a digit.
    private static HashSet<string> Terms(string text) =>
        text.Split(Separators, StringSplitOptions.RemoveEmptyEntries)
            .Select(static w => w.ToLowerInvariant())
            .Where(static w => w.Length >= 5 || w.AsSpan().ContainsAnyInRange('0', '9'))
            .ToHashSet(StringComparer.Ordinal);
}

namespace FiniteMemory.Evaluation;

/// <summary>Turns a speaker into an author name OpenAI's <c>name</c> field accepts: <c>[A-Za-z0-9_-]</c>, at most 64 characters.</summary>
internal static class AuthorNames
{
    private const int MaxLength = 64;

    /// <summary>
    /// The speaker with every other character replaced by <c>_</c> (so "Ann Lee" becomes "Ann_Lee"), cut to 64
    /// characters; null for a missing or blank speaker.
    /// </summary>
    public static string? Sanitize(string? speaker)
    {
        if (string.IsNullOrWhiteSpace(speaker))
        {
            return null;
        }

        var trimmed = speaker.Trim();
        return string.Create(Math.Min(trimmed.Length, MaxLength), trimmed, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_';
            }
        });
    }
}

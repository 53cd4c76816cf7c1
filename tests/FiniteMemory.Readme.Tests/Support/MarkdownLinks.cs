using System.Text;
using System.Text.RegularExpressions;

namespace FiniteMemory.Readme.Tests.Support;

/// <summary>The headings and links of a Markdown file's prose, as GitHub renders them.</summary>
internal static partial class MarkdownLinks
{
    /// <summary>The anchors GitHub gives the file's headings: lower-cased, punctuation dropped, spaces as '-', repeats numbered.</summary>
    public static IReadOnlySet<string> Anchors(MarkdownFile file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, text) in file.Prose)
        {
            var heading = Heading().Match(text);
            if (heading.Success)
            {
                var slug = Slug(heading.Groups["title"].Value);
                var unique = slug;
                for (var n = 1; !anchors.Add(unique); n++)
                {
                    unique = $"{slug}-{n}";
                }
            }
        }

        return anchors;
    }

    /// <summary>The inline links and images of the file's prose (outside code spans), with their lines.</summary>
    public static IEnumerable<(int Line, string Target)> Links(MarkdownFile file) =>
        from line in file.Prose
        from Match link in Link().Matches(CodeSpan().Replace(line.Text, string.Empty))
        select (line.Line, link.Groups["target"].Value);

    /// <summary>GitHub's anchor for a heading's text.</summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (var c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    [GeneratedRegex(@"^ {0,3}#{1,6}\s+(?<title>.*?)(\s+#+)?\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`+[^`]*`+")]
    private static partial Regex CodeSpan();
}

using System.Text.RegularExpressions;

namespace FiniteMemory.Readme.Tests.Support;

/// <summary>
/// The fenced code blocks of a Markdown file and what is wrong with its fences and markers.
/// </summary>
/// <remarks>
/// Fences follow CommonMark: a run of at least three backticks or tildes opens a block (a backtick fence's info
/// string holds no backtick), and a run of the same character, at least as long and with nothing after it but
/// spaces, closes it. Fences may be indented (blocks inside list items are); the opening fence's indentation is
/// removed from the block's lines. A marker is an HTML comment on the last non-blank line before a C# fence:
/// <c>&lt;!-- snippet: continues --&gt;</c> compiles the block after the file's previous C# block (for a sample
/// that goes on with the variables or types of the one before), and <c>&lt;!-- no-compile: reason --&gt;</c> leaves
/// a block that is not meant to be C# the compiler accepts out, for the reason given.
/// </remarks>
public sealed partial class MarkdownFile
{
    private MarkdownFile(string path, IReadOnlyList<CodeBlock> blocks, IReadOnlyList<(int Line, string Text)> prose, IReadOnlyList<string> problems)
    {
        Path = path;
        Blocks = blocks;
        Prose = prose;
        Problems = problems;
    }

    /// <summary>The file, relative to the repository root.</summary>
    public string Path { get; }

    /// <summary>The file's code blocks, in order.</summary>
    public IReadOnlyList<CodeBlock> Blocks { get; }

    /// <summary>The lines outside code blocks (fences included in neither), with their 1-based numbers.</summary>
    public IReadOnlyList<(int Line, string Text)> Prose { get; }

    /// <summary>What would make the file render other than as written, or its markers mean nothing; each starts with <c>file:line:</c>.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Reads and parses a file of the repository.</summary>
    public static MarkdownFile Read(string relativePath) => Parse(relativePath, File.ReadAllText(Repository.FullPath(relativePath)));

    /// <summary>Parses Markdown text; <paramref name="path"/> names it in blocks and problems.</summary>
    public static MarkdownFile Parse(string path, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<CodeBlock>();
        var problems = new List<string>();
        var prose = new List<(int Line, string Text)>();
        Fence? open = null;
        var body = new List<string>();
        Marker? marker = null;

        for (var index = 0; index < lines.Length; index++)
        {
            var number = index + 1;
            var line = lines[index];
            if (open is not null)
            {
                if (IsClosing(line, open))
                {
                    blocks.Add(new CodeBlock(path, open.Line, open.Language, [.. body], open.Marker is { Kind: "snippet" }, open.Marker?.Kind == "no-compile" ? open.Marker.Value : null));
                    open = null;
                    body.Clear();
                }
                else
                {
                    if (TryOpening(line, out var inner) && inner.Char == open.Char && inner.Length >= open.Length && inner.Language.Length > 0)
                    {
                        problems.Add($"{path}:{number}: '{line.Trim()}' opens a block inside the block opened at line {open.Line}, so the two render as one: close the block of line {open.Line} before this line.");
                    }

                    body.Add(Unindent(line, open.Indent));
                }

                continue;
            }

            if (TryOpening(line, out var fence))
            {
                fence = fence with { Line = number, Marker = marker };
                if (marker is not null && !CodeBlock.CSharpLanguages.Contains(fence.Language))
                {
                    problems.Add($"{path}:{marker.Line}: a '{marker.Kind}' marker stands before a {(fence.Language.Length == 0 ? "plain" : fence.Language)} block; markers apply to C# blocks (```csharp) only.");
                }

                if (marker is { Kind: "snippet" } && !blocks.Any(b => b.IsCSharp))
                {
                    problems.Add($"{path}:{marker.Line}: 'snippet: continues' marks the file's first C# block; there is no earlier block to continue.");
                }
                else if (marker is { Kind: "snippet" } && blocks.Last(b => b.IsCSharp).NoCompileReason is not null)
                {
                    problems.Add($"{path}:{marker.Line}: 'snippet: continues' continues a block marked no-compile; compile that block or mark this one no-compile too.");
                }

                open = fence;
                marker = null;
                continue;
            }

            prose.Add((number, line));
            var comment = MarkerComment().Match(line);
            if (comment.Success)
            {
                if (marker is not null)
                {
                    problems.Add(NotBeforeAFence(path, marker));
                }

                marker = ParseMarker(path, number, comment, problems);
            }
            else if (marker is not null && line.Trim().Length > 0)
            {
                problems.Add(NotBeforeAFence(path, marker));
                marker = null;
            }
        }

        if (open is not null)
        {
            problems.Add($"{path}:{open.Line}: the code block opened here ('{lines[open.Line - 1].Trim()}') is never closed, so everything after it renders as code: add a closing {new string(open.Char, open.Length)}.");
        }

        if (marker is not null)
        {
            problems.Add(NotBeforeAFence(path, marker));
        }

        return new MarkdownFile(path, blocks, prose, problems);
    }

    private static string NotBeforeAFence(string path, Marker marker) =>
        $"{path}:{marker.Line}: the '{marker.Kind}' marker is not on the line before a code fence, so it applies to nothing: move it right above the ```csharp line.";

    private static Marker? ParseMarker(string path, int line, Match comment, List<string> problems)
    {
        var kind = comment.Groups["kind"].Value.ToLowerInvariant();
        var rest = comment.Groups["rest"].Value.Trim();
        var value = rest.StartsWith(':') ? rest[1..].Trim() : null;
        if (kind == "snippet" && value != "continues")
        {
            problems.Add($"{path}:{line}: unknown snippet marker '{comment.Value.Trim()}': the only one is <!-- snippet: continues -->.");
            return null;
        }

        if (kind == "no-compile" && string.IsNullOrEmpty(value))
        {
            problems.Add($"{path}:{line}: '{comment.Value.Trim()}' gives no reason: write <!-- no-compile: why this block is not C# that compiles -->.");
            return null;
        }

        return new Marker(line, kind, value!);
    }

    private static bool TryOpening(string line, out Fence fence)
    {
        var match = OpeningFence().Match(line);
        fence = null!;
        if (!match.Success)
        {
            return false;
        }

        var run = match.Groups["fence"].Value;
        var info = match.Groups["info"].Value.Trim();
        if (run[0] == '`' && info.Contains('`', StringComparison.Ordinal))
        {
            return false; // inline code such as ```a```, not a fence
        }

        var language = info.Split(' ', 2)[0].ToLowerInvariant();
        fence = new Fence(0, match.Groups["indent"].Length, run[0], run.Length, language, null);
        return true;
    }

    private static bool IsClosing(string line, Fence open)
    {
        var match = ClosingFence().Match(line);
        return match.Success && match.Groups["fence"].Value[0] == open.Char && match.Groups["fence"].Length >= open.Length;
    }

    private static string Unindent(string line, int indent)
    {
        var spaces = 0;
        while (spaces < indent && spaces < line.Length && line[spaces] == ' ')
        {
            spaces++;
        }

        return line[spaces..];
    }

    [GeneratedRegex(@"^(?<indent> *)(?<fence>`{3,}|~{3,})(?<info>.*)$")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^ *(?<fence>`{3,}|~{3,}) *$")]
    private static partial Regex ClosingFence();

    [GeneratedRegex(@"^\s*<!--\s*(?<kind>snippet|no-compile)\b(?<rest>.*?)-->\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex MarkerComment();

    private sealed record Fence(int Line, int Indent, char Char, int Length, string Language, Marker? Marker);

    private sealed record Marker(int Line, string Kind, string Value);
}

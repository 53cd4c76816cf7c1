namespace FiniteMemory.Readme.Tests.Support;

/// <summary>
/// One fenced code block of a Markdown file: where it is, its language, its text (the fence's indentation
/// removed), and the marker comment written on the line before it, if any.
/// </summary>
/// <param name="File">The Markdown file, relative to the repository root.</param>
/// <param name="FenceLine">The 1-based line of the opening fence.</param>
/// <param name="Language">The first word of the fence's info string, lower-cased; empty when there is none.</param>
/// <param name="Lines">The block's lines, without the fences.</param>
/// <param name="Continues">Marked <c>&lt;!-- snippet: continues --&gt;</c>: compiled after the file's previous C# block.</param>
/// <param name="NoCompileReason">Marked <c>&lt;!-- no-compile: reason --&gt;</c>: not compiled, for this reason.</param>
public sealed record CodeBlock(string File, int FenceLine, string Language, IReadOnlyList<string> Lines, bool Continues, string? NoCompileReason)
{
    /// <summary>The info strings that mark a C# block.</summary>
    public static readonly IReadOnlySet<string> CSharpLanguages = new HashSet<string>(StringComparer.Ordinal) { "csharp", "cs", "c#" };

    /// <summary>Whether the block is C#.</summary>
    public bool IsCSharp => CSharpLanguages.Contains(Language);

    /// <summary>The 1-based line of the block's first line of code.</summary>
    public int FirstLine => FenceLine + 1;

    /// <summary>The block's text, lines joined with '\n'.</summary>
    public string Text => string.Join('\n', Lines);

    /// <summary>Where the block is: file and fence line, as in <c>README.md:79</c>.</summary>
    public override string ToString() => $"{File}:{FenceLine}";
}

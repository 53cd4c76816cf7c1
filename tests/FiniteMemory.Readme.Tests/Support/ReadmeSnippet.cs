namespace FiniteMemory.Readme.Tests.Support;

/// <summary>
/// What one C# block of a README compiles as: the block itself, after the blocks it continues
/// (<c>&lt;!-- snippet: continues --&gt;</c>), oldest first.
/// </summary>
public sealed class ReadmeSnippet
{
    private ReadmeSnippet(IReadOnlyList<CodeBlock> parts) => Parts = parts;

    /// <summary>The blocks compiled together; the last is the one this snippet stands for.</summary>
    public IReadOnlyList<CodeBlock> Parts { get; }

    /// <summary>The block this snippet stands for.</summary>
    public CodeBlock Block => Parts[^1];

    /// <summary>Every C# block of every README, less those marked no-compile, in file and line order.</summary>
    public static IReadOnlyList<ReadmeSnippet> All() => [.. Repository.Readmes().SelectMany(path => Of(MarkdownFile.Read(path)))];

    /// <summary>The snippets of one file: one per C# block not marked no-compile.</summary>
    public static IEnumerable<ReadmeSnippet> Of(MarkdownFile file)
    {
        var chain = new List<CodeBlock>();
        foreach (var block in file.Blocks.Where(b => b.IsCSharp))
        {
            if (!block.Continues)
            {
                chain.Clear();
            }

            chain.Add(block);
            if (block.NoCompileReason is null)
            {
                yield return new ReadmeSnippet([.. chain]);
            }
        }
    }

    /// <summary>Where the block is, as in <c>README.md:79</c>: the name its test is shown with.</summary>
    public override string ToString() => Block.ToString();
}

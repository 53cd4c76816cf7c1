using FiniteMemory.Readme.Tests.Support;

namespace FiniteMemory.Readme.Tests;

/// <summary>The Markdown reader the README tests stand on: fences, markers, and the problems it names.</summary>
public class MarkdownFileTests
{
    [Test]
    public async Task AFenceLeftOpenIsReportedWithItsFileAndLine()
    {
        var file = MarkdownFile.Parse("docs/GUIDE.md", "# Guide\n\n```bash\ndotnet test\n\nMore prose.\n");

        await Assert.That(file.Problems).Count().IsEqualTo(1);
        await Assert.That(file.Problems[0]).StartsWith("docs/GUIDE.md:3: the code block opened here ('```bash') is never closed");
    }

    [Test]
    public async Task ALanguageFenceInsideAnOpenBlockIsReportedAsAMissingClose()
    {
        // The close of the bash block is missing: the csharp fence is its content and the blocks swap with the prose.
        var file = MarkdownFile.Parse("README.md", "```bash\ndotnet test\n\nProse.\n\n```csharp\nvar x = 1;\n```\n");

        await Assert.That(file.Problems).Count().IsEqualTo(1);
        await Assert.That(file.Problems[0]).StartsWith("README.md:6: '```csharp' opens a block inside the block opened at line 1");
    }

    [Test]
    public async Task ALongerFenceHoldsShorterFencesAsContent()
    {
        var file = MarkdownFile.Parse("README.md", "````markdown\n```csharp\nvar x = 1;\n```\n````\n");

        await Assert.That(file.Problems).IsEmpty();
        await Assert.That(file.Blocks).Count().IsEqualTo(1);
        await Assert.That(file.Blocks[0].Language).IsEqualTo("markdown");
        await Assert.That(file.Blocks[0].Lines).IsEquivalentTo(["```csharp", "var x = 1;", "```"]);
    }

    [Test]
    public async Task AnIndentedFenceInAListItemLosesItsIndentation()
    {
        var file = MarkdownFile.Parse("README.md", "- item:\n\n  ```cs\n  var x = 1;\n      x++;\n  ```\n");

        await Assert.That(file.Problems).IsEmpty();
        await Assert.That(file.Blocks[0].IsCSharp).IsTrue();
        await Assert.That(file.Blocks[0].FenceLine).IsEqualTo(3);
        await Assert.That(file.Blocks[0].Lines).IsEquivalentTo(["var x = 1;", "    x++;"]);
    }

    [Test]
    public async Task InlineTripleBackticksAreNotAFence()
    {
        var file = MarkdownFile.Parse("README.md", "Write ```code``` inline.\n");

        await Assert.That(file.Problems).IsEmpty();
        await Assert.That(file.Blocks).IsEmpty();
    }

    [Test]
    public async Task ANoCompileMarkerNeedsAReason()
    {
        var file = MarkdownFile.Parse("README.md", "<!-- no-compile -->\n```csharp\npseudo code\n```\n");

        await Assert.That(file.Problems).Count().IsEqualTo(1);
        await Assert.That(file.Problems[0]).StartsWith("README.md:1: '<!-- no-compile -->' gives no reason");
        await Assert.That(ReadmeSnippet.Of(file).Count()).IsEqualTo(1);
    }

    [Test]
    public async Task ABlockMarkedNoCompileWithAReasonIsNotASnippet()
    {
        var file = MarkdownFile.Parse("README.md", "<!-- no-compile: the shape of generated code, not code to write -->\n```csharp\npseudo code\n```\n");

        await Assert.That(file.Problems).IsEmpty();
        await Assert.That(file.Blocks[0].NoCompileReason).IsEqualTo("the shape of generated code, not code to write");
        await Assert.That(ReadmeSnippet.Of(file)).IsEmpty();
    }

    [Test]
    public async Task AMarkerThatIsNotRightAboveACSharpFenceIsReported()
    {
        var file = MarkdownFile.Parse("README.md", "<!-- snippet: continues -->\nProse.\n\n```csharp\nvar x = 1;\n```\n\n<!-- snippet: continues -->\n```bash\nls\n```\n<!-- snippet: again -->\n");

        await Assert.That(file.Problems).Count().IsEqualTo(3);
        await Assert.That(file.Problems[0]).StartsWith("README.md:1: the 'snippet' marker is not on the line before a code fence");
        await Assert.That(file.Problems[1]).StartsWith("README.md:8: a 'snippet' marker stands before a bash block");
        await Assert.That(file.Problems[2]).StartsWith("README.md:12: unknown snippet marker");
    }

    [Test]
    public async Task AContinuingBlockIsCompiledAfterTheBlocksBeforeIt()
    {
        var file = MarkdownFile.Parse("README.md", "```csharp\nvar a = 1;\n```\n\n<!-- snippet: continues -->\n\n```csharp\nvar b = a;\n```\n\n```csharp\nvar c = 3;\n```\n");
        var snippets = ReadmeSnippet.Of(file).ToList();

        await Assert.That(file.Problems).IsEmpty();
        await Assert.That(snippets.Select(s => s.ToString())).IsEquivalentTo(["README.md:1", "README.md:7", "README.md:11"]);
        await Assert.That(snippets[1].Parts.Select(p => p.FenceLine)).IsEquivalentTo([1, 7]);
        await Assert.That(snippets[2].Parts).Count().IsEqualTo(1);
    }

    [Test]
    public async Task TheFirstCSharpBlockCannotContinue()
    {
        var file = MarkdownFile.Parse("README.md", "```bash\nls\n```\n<!-- snippet: continues -->\n```csharp\nvar a = 1;\n```\n");

        await Assert.That(file.Problems).Count().IsEqualTo(1);
        await Assert.That(file.Problems[0]).StartsWith("README.md:4: 'snippet: continues' marks the file's first C# block");
    }
}

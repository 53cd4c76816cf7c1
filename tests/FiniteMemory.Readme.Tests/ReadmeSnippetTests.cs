using FiniteMemory.Readme.Tests.Support;

namespace FiniteMemory.Readme.Tests;

/// <summary>
/// Every ```csharp (```cs, ```c#) block of every README.md compiles against the current packages, with the source
/// generator, so a sample cannot drift from the API. A failure names the README, the line and the compiler's
/// diagnostics. A block that goes on from the one before it is marked <c>&lt;!-- snippet: continues --&gt;</c>; a block
/// that is not meant to compile, <c>&lt;!-- no-compile: reason --&gt;</c> (see <see cref="MarkdownFile"/>).
/// </summary>
public class ReadmeSnippetTests
{
    public static IEnumerable<Func<ReadmeSnippet>> Snippets() => ReadmeSnippet.All().Select(snippet => (Func<ReadmeSnippet>)(() => snippet));

    [Test]
    [MethodDataSource(nameof(Snippets))]
    public async Task TheSnippetCompilesAgainstTheCurrentApi(ReadmeSnippet snippet)
    {
        var problems = SnippetCompiler.Problems(snippet);

        if (problems.Count > 0)
        {
            Assert.Fail($"The C# block at {snippet} does not compile cleanly:\n{string.Join('\n', problems)}");
        }

        await Assert.That(problems).IsEmpty();
    }

    [Test]
    public async Task TheRootReadmeAndThePackageReadmesHaveSnippets()
    {
        var files = ReadmeSnippet.All().Select(s => s.Block.File).Distinct().ToList();

        await Assert.That(files).Contains("README.md");
        await Assert.That(files).Contains("src/FiniteMemory.OpenAI/README.md");
        await Assert.That(files).Contains("src/FiniteMemory.Onnx/README.md");
    }

    [Test]
    public async Task EveryPackageIsReferencedSoItsSamplesCompile()
    {
        var projects = Directory.GetFiles(Repository.FullPath("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .ToList();

        _ = SnippetReferences.All;
        await Assert.That(SnippetReferences.Packages).IsEquivalentTo(projects);
    }
}

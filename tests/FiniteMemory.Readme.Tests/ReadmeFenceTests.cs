using FiniteMemory.Readme.Tests.Support;

namespace FiniteMemory.Readme.Tests;

/// <summary>Every README.md renders as written: each code fence is closed, and each snippet marker belongs to a C# block.</summary>
public class ReadmeFenceTests
{
    public static IEnumerable<string> Readmes() => Repository.Readmes();

    [Test]
    [MethodDataSource(nameof(Readmes))]
    public async Task EveryFenceIsClosedAndEveryMarkerMarksACSharpBlock(string readme)
    {
        var problems = MarkdownFile.Read(readme).Problems;

        if (problems.Count > 0)
        {
            Assert.Fail(string.Join('\n', problems));
        }

        await Assert.That(problems).IsEmpty();
    }

    [Test]
    public async Task TheReadmesAreFound()
    {
        var readmes = Repository.Readmes();

        await Assert.That(readmes).Contains("README.md");
        await Assert.That(readmes).Contains("src/FiniteMemory.Onnx/README.md");
        await Assert.That(readmes).Contains("aot-samples/PolicyMinimal/README.md");
        await Assert.That(readmes.Any(r => r.Contains("/bin/", StringComparison.Ordinal) || r.Contains("/obj/", StringComparison.Ordinal))).IsFalse();
    }
}

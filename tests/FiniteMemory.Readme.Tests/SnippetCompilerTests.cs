using FiniteMemory.Readme.Tests.Support;

namespace FiniteMemory.Readme.Tests;

/// <summary>The snippet compiler catches what a reader would hit, and names the README line.</summary>
public class SnippetCompilerTests
{
    private static IReadOnlyList<string> Problems(string markdown) =>
        SnippetCompiler.Problems(ReadmeSnippet.Of(MarkdownFile.Parse("docs/README.md", markdown)).Last());

    [Test]
    public async Task AnErrorIsReportedAtItsReadmeFileAndLine()
    {
        var problems = Problems("Intro.\n\n```csharp\nusing FiniteMemory;\n\nvar options = new MemoryOptions { Budget = 8_000 };\nConsole.WriteLine(options.Budgett);\n```\n");

        await Assert.That(problems).Count().IsEqualTo(1);
        await Assert.That(problems[0]).StartsWith("docs/README.md(7,27): error CS1061:");
    }

    [Test]
    public async Task AContinuingBlockSeesTheVariablesAndUsingsOfTheBlockBefore()
    {
        const string Markdown = "```csharp\nusing FiniteMemory;\n\nvar options = new MemoryOptions { Budget = 8_000 };\n```\n\n<!-- snippet: continues -->\n```csharp\nusing FiniteMemory;\nusing FiniteMemory.Policies;\n\noptions.Policy = MemoryPolicies.Create(\"sliding\");\nvar session = new MemorySession(options);\nConsole.WriteLine(session.Transcript.Count + undefined);\n```\n";

        var problems = Problems(Markdown);

        await Assert.That(problems).Count().IsEqualTo(1);
        await Assert.That(problems[0]).StartsWith("docs/README.md(14,46): error CS0103: The name 'undefined' does not exist");
    }

    [Test]
    public async Task AnInternalMemberIsAnErrorAsItIsForAnApplication()
    {
        var problems = Problems("```csharp\nusing FiniteMemory;\n\nvar transcript = new Transcript(TokenCounter.Default);\nConsole.WriteLine(transcript.GroupAt(0).Members.Count);\n```\n");

        await Assert.That(problems).Count().IsEqualTo(1);
        await Assert.That(problems[0]).Contains("(5,30): error CS1061: 'Transcript' does not contain a definition for 'GroupAt'");
    }

    [Test]
    public async Task ADeclaredPolicyCompilesBecauseTheGeneratorRuns()
    {
        const string Markdown = """
            ```csharp
            using FiniteMemory.Policies;

            IMemoryPolicy policy = new RecentPolicy();
            Console.WriteLine(policy.Name);

            [MemoryPolicy("recent")]
            [KeepRecent(MaxTurns = 4)]
            public sealed partial class RecentPolicy;
            ```
            """;

        await Assert.That(Problems(Markdown)).IsEmpty();
    }

    [Test]
    public async Task TheGeneratorsDiagnosticsAreProblemsAtTheirReadmeLine()
    {
        const string Markdown = """
            ```csharp
            using FiniteMemory.Policies;

            [MemoryPolicy("recent", Budget = 0)]
            [KeepRecent(MaxTurns = 4)]
            public sealed partial class RecentPolicy;
            ```
            """;

        var problems = Problems(Markdown);

        // At the README's line of the attribute, although the generator reports plain file positions.
        await Assert.That(problems.Any(p => p.StartsWith("docs/README.md(4,", StringComparison.Ordinal) && p.Contains(": error FM1003:", StringComparison.Ordinal))).IsTrue().Because(string.Join('\n', problems));
    }

    [Test]
    public async Task AWarningAndAnUnneededUsingAreProblems()
    {
        var problems = Problems("```csharp\nusing System.Text;\n\nstring? text = null;\nConsole.WriteLine(text.Length);\n```\n");

        await Assert.That(problems).Count().IsEqualTo(2);
        await Assert.That(problems[0]).StartsWith("docs/README.md(2,1): hidden CS8019:");
        await Assert.That(problems[1]).StartsWith("docs/README.md(5,19): warning CS8602:");
    }
}

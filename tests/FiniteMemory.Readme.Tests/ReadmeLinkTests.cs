using System.Text.RegularExpressions;
using FiniteMemory.Readme.Tests.Support;

namespace FiniteMemory.Readme.Tests;

/// <summary>What a README points at exists: the files and headings its links name, and the paths its commands run.</summary>
public partial class ReadmeLinkTests
{
    public static IEnumerable<string> Readmes() => Repository.Readmes();

    [Test]
    [MethodDataSource(nameof(Readmes))]
    public async Task EveryRelativeLinkNamesAFileAndHeadingThatExist(string readme)
    {
        var file = MarkdownFile.Read(readme);
        var folder = Path.GetDirectoryName(Repository.FullPath(readme))!;
        var problems = new List<string>();
        foreach (var (line, target) in MarkdownLinks.Links(file))
        {
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var path = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var full = path.Length == 0 ? Repository.FullPath(readme) : Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(path)));
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                problems.Add($"{readme}:{line}: the link '{target}' names {Path.GetRelativePath(Repository.Root, full)}, which does not exist.");
            }
            else if (anchor is not null && full.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                && !MarkdownLinks.Anchors(MarkdownFile.Parse(Path.GetRelativePath(Repository.Root, full), File.ReadAllText(full))).Contains(anchor))
            {
                problems.Add($"{readme}:{line}: the link '{target}' names the heading '#{anchor}', which {Path.GetRelativePath(Repository.Root, full)} does not have.");
            }
        }

        if (problems.Count > 0)
        {
            Assert.Fail(string.Join('\n', problems));
        }

        await Assert.That(problems).IsEmpty();
    }

    [Test]
    [MethodDataSource(nameof(Readmes))]
    public async Task EveryProjectAndScriptACommandRunsExists(string readme)
    {
        var problems = new List<string>();
        foreach (var block in MarkdownFile.Read(readme).Blocks.Where(b => b.Language is "bash" or "sh" or "shell" or "console"))
        {
            for (var i = 0; i < block.Lines.Count; i++)
            {
                foreach (Match path in RepositoryPath().Matches(block.Lines[i]))
                {
                    var relative = path.Groups["path"].Value;
                    if (!File.Exists(Repository.FullPath(relative)) && !Directory.Exists(Repository.FullPath(relative)))
                    {
                        problems.Add($"{readme}:{block.FirstLine + i}: '{path.Value.Trim()}' names {relative}, which does not exist.");
                    }
                }
            }
        }

        if (problems.Count > 0)
        {
            Assert.Fail(string.Join('\n', problems));
        }

        await Assert.That(problems).IsEmpty();
    }

    [Test]
    public async Task AMissingProjectIsCaught()
    {
        var block = MarkdownFile.Parse("README.md", "```bash\ndotnet test --project tests/Nothing.Tests/Nothing.Tests.csproj -c Release\nbash .ci/run\n```\n").Blocks[0];

        var paths = RepositoryPath().Matches(block.Text).Select(m => m.Groups["path"].Value).ToList();

        await Assert.That(paths).IsEquivalentTo(["tests/Nothing.Tests/Nothing.Tests.csproj", ".ci/run"]);
        await Assert.That(File.Exists(Repository.FullPath(paths[0]))).IsFalse();
    }

    [Test]
    public async Task HeadingsGetGitHubsAnchors()
    {
        var file = MarkdownFile.Parse("README.md", "# Local decoder on ONNX Runtime: prefix reuse\n## Local decoder (TorchSharp)\n## `fmem replay`\n## Next\n## Next\n```bash\n# not a heading\n```\n");

        await Assert.That(MarkdownLinks.Anchors(file)).IsEquivalentTo(["local-decoder-on-onnx-runtime-prefix-reuse", "local-decoder-torchsharp", "fmem-replay", "next", "next-1"]);
    }

    // The repository paths a command runs: a project (--project, dotnet publish/build/run/test), or a script run with bash.
    [GeneratedRegex(@"(?:--project|dotnet (?:publish|build)|\bbash)\s+(?<path>(?:\.?[\w.-]+/)+[\w.-]+)")]
    private static partial Regex RepositoryPath();
}

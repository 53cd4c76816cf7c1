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
        foreach (var (line, link) in MarkdownLinks.Links(file))
        {
            // A link to the repository's public home (package READMEs have only those: a relative link is broken on the
            // package page) names a file of this checkout, relative to the root.
            var local = Repository.LocalTarget(link);
            var (target, from) = local is null ? (link, folder) : (local, Repository.Root);
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var path = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var full = path.Length == 0 ? Repository.FullPath(readme) : Path.GetFullPath(Path.Combine(from, Uri.UnescapeDataString(path)));
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                problems.Add($"{readme}:{line}: the link '{link}' names {Path.GetRelativePath(Repository.Root, full)}, which does not exist.");
            }
            else if (anchor is not null && full.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                && !MarkdownLinks.Anchors(MarkdownFile.Parse(Path.GetRelativePath(Repository.Root, full), File.ReadAllText(full))).Contains(anchor))
            {
                problems.Add($"{readme}:{line}: the link '{link}' names the heading '#{anchor}', which {Path.GetRelativePath(Repository.Root, full)} does not have.");
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
    [MethodDataSource(nameof(PackageReadmes))]
    public async Task APackageReadmeHasNoRelativeLinks(string readme)
    {
        // nuget.org shows the README without the repository around it: a relative link there leads nowhere.
        var relative = MarkdownLinks.Links(MarkdownFile.Read(readme))
            .Where(link => !link.Target.Contains("://", StringComparison.Ordinal) && !link.Target.StartsWith('#') && !link.Target.StartsWith("mailto:", StringComparison.Ordinal))
            .Select(link => $"{readme}:{link.Line}: '{link.Target}' is relative; link to {Repository.Url}/blob/main/… (or {Repository.Url}#heading) instead.")
            .ToList();

        if (relative.Count > 0)
        {
            Assert.Fail(string.Join('\n', relative));
        }

        await Assert.That(relative).IsEmpty();
    }

    /// <summary>The README of every package: beside each project in src/ and the tool's (a project that packs as a tool).</summary>
    public static IEnumerable<string> PackageReadmes() =>
        Repository.Readmes().Where(readme =>
        {
            var folder = Path.GetDirectoryName(Repository.FullPath(readme))!;
            var projects = Directory.GetFiles(folder, "*.csproj");
            return projects.Length > 0 && (readme.StartsWith("src/", StringComparison.Ordinal)
                || projects.Any(p => File.ReadAllText(p).Contains("<PackAsTool>true</PackAsTool>", StringComparison.Ordinal)));
        });

    [Test]
    public async Task ThePackageReadmesAreFound()
    {
        var readmes = PackageReadmes().ToList();

        await Assert.That(readmes).Contains("src/FiniteMemory.Core/README.md");
        await Assert.That(readmes).Contains("src/FiniteMemory/README.md");
        await Assert.That(readmes).Contains("aot-samples/fmem/README.md");
        await Assert.That(readmes).DoesNotContain("aot-samples/PolicyMinimal/README.md");
    }

    [Test]
    public async Task ALinkToTheRepositorysHomeNamesAFileOfTheCheckout()
    {
        await Assert.That(Repository.LocalTarget($"{Repository.Url}#fmem-eval")).IsEqualTo("README.md#fmem-eval");
        await Assert.That(Repository.LocalTarget($"{Repository.Url}/blob/main/perf/README.md#memory-quality")).IsEqualTo("perf/README.md#memory-quality");
        await Assert.That(Repository.LocalTarget($"{Repository.Url}/issues")).IsNull();
        await Assert.That(Repository.LocalTarget("https://github.com/openai/openai-dotnet")).IsNull();
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

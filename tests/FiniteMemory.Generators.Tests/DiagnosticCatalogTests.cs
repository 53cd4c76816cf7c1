using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// The diagnostic catalogue: the descriptors are exactly the ids the release file documents (FM1001–FM1014,
/// FM2001–FM2006), with the same category and severity, and a diagnostics test asserts each of them by its span.
/// </summary>
public partial class DiagnosticCatalogTests
{
    private static readonly string[] ExpectedIds =
    [
        .. Enumerable.Range(1, 14).Select(i => $"FM10{i:D2}"),
        .. Enumerable.Range(1, 6).Select(i => $"FM200{i}"),
    ];

    [Test]
    public async Task TheDescriptorsAreExactlyTheIdsOfTheReleaseFileWithItsCategoriesAndSeverities()
    {
        var release = await File.ReadAllLinesAsync(Path.Combine(RepositoryRoot(), "generators", "FiniteMemory.Generators", "AnalyzerReleases.Unshipped.md"));
        var documented = release
            .Select(line => ReleaseRow().Match(line))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups["id"].Value} {m.Groups["category"].Value} {m.Groups["severity"].Value}")
            .ToList();

        var declared = Diagnostics.Descriptors
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => $"{d.Id} {d.Category} {d.DefaultSeverity}")
            .ToList();

        await Assert.That(declared).IsEquivalentTo(documented);
        await Assert.That(Diagnostics.Descriptors.Select(d => d.Id).Order(StringComparer.Ordinal)).IsEquivalentTo(ExpectedIds);
        await Assert.That(Diagnostics.Descriptors.Where(d => !d.IsEnabledByDefault).Select(d => d.Id)).IsEmpty();
        await Assert.That(Diagnostics.Descriptors.Where(d => d.Id.StartsWith("FM1", StringComparison.Ordinal) != (d.Category == "FiniteMemory.Policies")).Select(d => d.Id)).IsEmpty();
        await Assert.That(Diagnostics.Descriptors.Where(d => d.DefaultSeverity == DiagnosticSeverity.Warning).Select(d => d.Id)).IsEquivalentTo(["FM1013"]);
    }

    [Test]
    public async Task EveryDiagnosticIsAssertedByItsSpanInADiagnosticsTest()
    {
        var tests = string.Concat(Directory.GetFiles(TestDirectory(), "*DiagnosticTests.cs").Select(File.ReadAllText));

        await Assert.That(ExpectedIds.Where(id => !tests.Contains("{|" + id + ":", StringComparison.Ordinal))).IsEmpty();
    }

    private static string TestDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FiniteMemory.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FiniteMemory.slnx above {TestDirectory()}.");
    }

    [GeneratedRegex(@"^(?<id>FM\d{4})\s*\|\s*(?<category>[\w.]+)\s*\|\s*(?<severity>\w+)\s*\|")]
    private static partial Regex ReleaseRow();
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FiniteMemory.Cli.Tests;

/// <summary>The README's fmem eval section stays true: its dataset example is valid and its numbers are what fmem measures.</summary>
public class ReadmeEvalTests
{
    [Test]
    public async Task The_readme_dataset_example_is_a_valid_dataset()
    {
        var section = EvalSection();
        var start = section.IndexOf("```json\n{\"conversations\"", StringComparison.Ordinal);
        await Assert.That(start).IsGreaterThanOrEqualTo(0);
        var json = section[(start + "```json\n".Length)..section.IndexOf("```", start + 3, StringComparison.Ordinal)];
        using var dir = new TempDirectory();
        var path = dir.Write("readme.json", [json]);

        var result = await Fmem.RunAsync("eval", path, "--policy", "sliding", "--budget", "100000", "--json");

        using var document = await EvalTests.ParseSingleObjectAsync(result);
        await Assert.That(document.RootElement.GetProperty("questions").GetInt32()).IsEqualTo(2);
        await Assert.That(document.RootElement.GetProperty("results")[0].GetProperty("all_evidence_recall").GetDouble()).IsEqualTo(1.0);
    }

    [Test]
    public async Task The_readme_statistics_of_the_default_dataset_are_what_fmem_eval_measures()
    {
        var section = EvalSection();

        var result = await Fmem.RunAsync("eval", "--synthetic", "--policy", "sliding", "--budget", "5%,10%,20%", "--json");

        using var document = await EvalTests.ParseSingleObjectAsync(result);
        var root = document.RootElement;
        var recalls = root.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("all_evidence_recall").GetDouble() * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%");
        await Assert.That(section).Contains("| `sliding` all-evidence recall at 5% / 10% / 20% of each conversation | " + string.Join(" / ", recalls) + " |");
        await Assert.That(section).Contains(string.Create(CultureInfo.InvariantCulture, $"| turns | {root.GetProperty("turns").GetInt32():N0} ("));
        await Assert.That(section).Contains(string.Create(CultureInfo.InvariantCulture, $"| questions | {root.GetProperty("questions").GetInt32():N0} ("));
        await Assert.That(section).Contains(string.Create(CultureInfo.InvariantCulture, $"\"turns\":{root.GetProperty("turns").GetInt32()},"));
    }

    [Test]
    public async Task The_readme_table_of_every_policy_on_the_default_dataset_is_what_fmem_eval_measures()
    {
        var section = EvalSection();
        string[] policies = ["sliding", "semantic", "hybrid", "importance", "rolling_summary"];

        var result = await Fmem.RunAsync("eval", "--synthetic", "--policy", string.Join(",", policies), "--budget", "5%,10%,20%");

        // The text output's first table: one row per policy, its recall at 5%, 10% and 20%, as printed.
        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        foreach (var policy in policies)
        {
            var name = policy == "sliding" ? "sliding (baseline)" : policy;
            var row = Regex.Match(result.Stdout, "^  " + Regex.Escape(name) + @"\s+([\d.]+%)\s+([\d.]+%)\s+([\d.]+%)$", RegexOptions.Multiline);
            await Assert.That(row.Success).IsTrue().Because(result.Stdout);
            await Assert.That(section).Contains($"| {name} | {row.Groups[1].Value} | {row.Groups[2].Value} | {row.Groups[3].Value} |");
        }
    }

    private static string EvalSection()
    {
        var root = Fmem.RepositoryRoot();
        var readme = root is null ? null : Path.Combine(root, "README.md");
        Skip.Unless(readme is not null && File.Exists(readme), "README.md is not in this checkout");
        var text = File.ReadAllText(readme!).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = text.IndexOf("\n## fmem eval\n", StringComparison.Ordinal);
        var end = text.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        return text[start..end];
    }
}

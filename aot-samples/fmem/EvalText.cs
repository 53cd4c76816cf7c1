using System.Globalization;
using FiniteMemory.Evaluation;
using FiniteMemory.Policies;

namespace FiniteMemory.Cli;

/// <summary>The readable output of <c>fmem eval</c>: all-evidence recall as a policies × budgets table, then every number per result.</summary>
internal static class EvalText
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(TextWriter output, EvalRun run)
    {
        var report = run.Report;
        var results = report.Results;
        var perConversation = report.Conversations == 0 ? 0 : report.TranscriptTokens / report.Conversations;
        output.WriteLine($"fmem eval {run.Source}");
        output.WriteLine(string.Create(C, $"{report.Conversations:N0} conversations · {report.Turns:N0} turns · {report.Questions:N0} questions · {report.TranscriptTokens:N0} transcript tokens ({perConversation:N0} per conversation) · tokenizer {report.Tokenizer} · embedder {run.Embedder}{(report.EmbeddingTime > TimeSpan.Zero ? $" (embedding the turns took {report.EmbeddingTime.TotalSeconds:0.0} s, summed over conversations, before timing)" : string.Empty)}"));
        output.WriteLine();

        var policies = results.Select(static r => r.Policy).Distinct().ToList();
        var budgets = results.Select(static r => r.Requested).Distinct().ToList();
        var baseline = policies.FirstOrDefault(static p => string.Equals(p, SlidingPolicy.PolicyName, StringComparison.OrdinalIgnoreCase));

        output.WriteLine("All-evidence recall (questions whose every evidence turn is in the window verbatim):");
        var names = policies.Select(p => p == baseline ? p + " (baseline)" : p).ToList();
        var nameWidth = Math.Max("POLICY".Length, names.Max(static n => n.Length));
        var columns = budgets.Select(static b => b.ToString()).ToList();
        var columnWidth = Math.Max(7, columns.Max(static c => c.Length));
        output.WriteLine("  " + "POLICY".PadRight(nameWidth) + string.Concat(columns.Select(c => "  " + c.PadLeft(columnWidth))));
        for (var p = 0; p < policies.Count; p++)
        {
            var cells = budgets.Select(b => Percent(Find(results, policies[p], b).AllEvidenceRecall).PadLeft(columnWidth));
            output.WriteLine("  " + names[p].PadRight(nameWidth) + string.Concat(cells.Select(static c => "  " + c)));
        }

        output.WriteLine();
        var rows = new List<string[]>
        {
            baseline is null
                ? ["POLICY", "BUDGET", "ALL EVIDENCE", "EVIDENCE", "ANSWER", "WINDOW TOKENS", "POLICY MS", "FAILURES"]
                : ["POLICY", "BUDGET", "ALL EVIDENCE", "VS SLIDING", "EVIDENCE", "ANSWER", "WINDOW TOKENS", "POLICY MS", "FAILURES"],
        };
        foreach (var r in results)
        {
            var row = new List<string> { r.Policy, BudgetLabel(r), Percent(r.AllEvidenceRecall) };
            if (baseline is not null)
            {
                row.Add(r.Policy == baseline ? "baseline" : Points(r.AllEvidenceRecall - Find(results, baseline, r.Requested).AllEvidenceRecall));
            }

            row.AddRange([Percent(r.EvidenceRecall), Percent(r.AnswerRecall), r.MeanWindowTokens.ToString("N0", C), r.MeanPolicyMs.ToString("0.000", C), r.Failures.ToString("N0", C)]);
            rows.Add([.. row]);
        }

        WriteTable(output, rows);
        output.WriteLine();
        output.WriteLine("EVIDENCE: mean share of a question's evidence turns kept verbatim. ANSWER: questions whose answer's content words all");
        output.WriteLine("appear in the window's text (summaries included). FAILURES: questions the budget could not hold; they count as misses.");
        foreach (var r in results.Where(static r => r.Fallbacks > 0))
        {
            output.WriteLine(string.Create(C, $"Note: {r.Policy} at {BudgetLabel(r)} fell back to sliding for {r.Fallbacks:N0} of {r.Questions:N0} questions (the policy failed); those windows are scored as built."));
        }
    }

    private static EvaluationResult Find(IReadOnlyList<EvaluationResult> results, string policy, EvaluationBudget budget) =>
        results.First(r => r.Policy == policy && r.Requested == budget);

    private static string BudgetLabel(EvaluationResult r) =>
        r.BudgetPercent is null ? r.Budget.ToString("N0", C) : string.Create(C, $"{r.Requested} (≈{r.Budget:N0})");

    private static string Percent(double share) => (share * 100).ToString("0.0", C) + "%";

    private static string Points(double difference) => (difference * 100).ToString("+0.0;-0.0;0.0", C) + " pp";

    // Columns left-aligned for text, right-aligned for numbers.
    private static void WriteTable(TextWriter output, List<string[]> rows)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in rows)
        {
            var cells = row.Select((cell, i) => i < 2 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]));
            output.WriteLine("  " + string.Join("  ", cells).TrimEnd());
        }
    }
}

using System.Text;
using FiniteMemory.Text;

namespace FiniteMemory.Summaries;

/// <summary>
/// A summarizer that needs no model: it keeps the sentences that carry the most — numbers, dates and names, and
/// the terms the conversation keeps coming back to — within the token target, dropping near-duplicates, and
/// writes them in conversation order as <c>- Speaker: sentence</c> lines. The previous summary's lines compete
/// with the new sentences on equal terms (with a small bonus for being there already), so the summary stays
/// bounded and keeps the best of everything it has seen, and no sentence is ever summarized twice.
/// </summary>
/// <remarks>Deterministic, linear in its input; it never states anything the conversation did not.</remarks>
public sealed class ExtractiveSummarizer : IConversationSummarizer
{
    /// <summary>A shared instance (it has no state).</summary>
    public static ExtractiveSummarizer Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "extractive";

    /// <inheritdoc />
    public int MaxInputTokens => int.MaxValue;

    /// <inheritdoc />
    public ValueTask<string> SummarizeAsync(SummaryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Summarize(request));
    }

    /// <summary>The synchronous body.</summary>
    public static string Summarize(SummaryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var units = new List<Unit>();
        if (!string.IsNullOrWhiteSpace(request.PreviousSummary))
        {
            foreach (var line in request.PreviousSummary.Split('\n'))
            {
                var trimmed = line.Trim().TrimStart('-', '•', ' ');
                if (trimmed.Length > 0)
                {
                    var colon = trimmed.IndexOf(": ", StringComparison.Ordinal);
                    units.Add(colon is > 0 and < 40
                        ? new Unit(trimmed[..colon], trimmed[(colon + 2)..], units.Count, Carried: true)
                        : new Unit(string.Empty, trimmed, units.Count, Carried: true));
                }
            }
        }

        foreach (var line in request.Lines)
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            var speaker = colon is > 0 and < 40 ? line[..colon] : string.Empty;
            var text = colon is > 0 and < 40 ? line[(colon + 2)..] : line;
            foreach (var sentence in Sentences.Split(text))
            {
                units.Add(new Unit(speaker, text[sentence], units.Count, Carried: false));
            }
        }

        if (units.Count == 0 || request.TargetTokens <= 0)
        {
            return string.Empty;
        }

        // Term frequencies over the whole input: what the conversation repeats is what it is about.
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var unitTerms = new List<HashSet<string>>(units.Count);
        foreach (var unit in units)
        {
            var terms = new HashSet<string>(Terms.Of(unit.Text), StringComparer.Ordinal);
            unitTerms.Add(terms);
            foreach (var term in terms)
            {
                frequency[term] = frequency.GetValueOrDefault(term) + 1;
            }
        }

        var scored = new List<(int Unit, double Score, int Tokens)>(units.Count);
        for (var u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            var terms = unitTerms[u];
            var facts = Facts.Extract(unit.Text).Count;
            var salience = terms.Count == 0 ? 0 : terms.Average(t => Math.Log(1 + frequency[t]));
            var score = (1.5 * (1 - Math.Exp(-facts / 2.0))) + salience + (unit.Carried ? 0.25 : 0);
            if (terms.Count < 3)
            {
                score *= 0.3;
            }

            scored.Add((u, score, request.Counter.CountTokens(Render(unit)) + 1));
        }

        // Best score per token first; skip a sentence that mostly repeats one already chosen.
        scored.Sort(static (a, b) =>
        {
            var da = a.Score / a.Tokens;
            var db = b.Score / b.Tokens;
            return da != db ? db.CompareTo(da) : a.Unit.CompareTo(b.Unit);
        });

        var chosen = new List<int>();
        var left = request.TargetTokens;
        foreach (var (u, _, tokens) in scored)
        {
            if (tokens > left || chosen.Exists(c => Overlap(unitTerms[c], unitTerms[u]) > 0.7))
            {
                continue;
            }

            chosen.Add(u);
            left -= tokens;
        }

        // Per-line counts can differ slightly from the joined text's; drop the last-chosen lines until it fits.
        while (chosen.Count > 0)
        {
            var summary = Compose(units, chosen);
            if (request.Counter.CountTokens(summary) <= request.TargetTokens)
            {
                return summary;
            }

            chosen.RemoveAt(chosen.Count - 1);
        }

        return string.Empty;
    }

    private static string Compose(List<Unit> units, List<int> chosen)
    {
        var ordered = chosen.ToArray();
        Array.Sort(ordered);
        var summary = new StringBuilder();
        foreach (var u in ordered)
        {
            summary.Append(Render(units[u])).Append('\n');
        }

        return summary.ToString().TrimEnd('\n');
    }

    private static string Render(Unit unit) => unit.Speaker.Length > 0 ? $"- {unit.Speaker}: {unit.Text}" : $"- {unit.Text}";

    private static double Overlap(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var shared = a.Count(b.Contains);
        return (double)shared / Math.Min(a.Count, b.Count);
    }

    private sealed record Unit(string Speaker, string Text, int Order, bool Carried);
}

using System.Text;

namespace FiniteMemory;

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

        // Term frequencies over the whole input: what the conversation repeats is what it is about. Terms are
        // numbered once (no string per occurrence), each unit keeping its distinct term ids, sorted.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        var frequency = new List<int>();
        var unitTerms = new int[units.Count][];
        var scratch = new List<int>();
        for (var u = 0; u < units.Count; u++)
        {
            scratch.Clear();
            Terms.Split(units[u].Text, (lookup, scratch), static (term, s) =>
            {
                if (!s.lookup.TryGetValue(term, out var id))
                {
                    id = s.lookup.Dictionary.Count;
                    s.lookup[term] = id;
                }

                s.scratch.Add(id);
            });
            scratch.Sort();
            var distinct = new List<int>(scratch.Count);
            foreach (var id in scratch)
            {
                if (distinct.Count == 0 || distinct[^1] != id)
                {
                    distinct.Add(id);
                }
            }

            unitTerms[u] = [.. distinct];
            foreach (var id in distinct)
            {
                while (frequency.Count <= id)
                {
                    frequency.Add(0);
                }

                frequency[id]++;
            }
        }

        var speakerTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        var scored = new List<(int Unit, double Score, int Tokens)>(units.Count);
        for (var u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            var terms = unitTerms[u];
            var facts = Facts.CountIn(unit.Text);
            var salience = 0.0;
            foreach (var id in terms)
            {
                salience += Math.Log(1 + frequency[id]);
            }

            salience = terms.Length == 0 ? 0 : salience / terms.Length;
            var score = (1.5 * (1 - Math.Exp(-facts / 2.0))) + salience + (unit.Carried ? 0.25 : 0);
            if (terms.Length < 3 && facts == 0)
            {
                // "Haha yes.", "Thanks!": nothing to remember.
                continue;
            }

            // Ranking only needs an estimate of a sentence's length; the exact count is taken for the sentences the
            // greedy pass actually considers, and the composed summary is measured exactly below.
            scored.Add((u, score, EstimateTokens(unit)));
        }

        // Best score per square root of tokens first — a long sentence pays for its length, but less than in
        // proportion, or "Anyway, nice." would beat every sentence that says something; skip a sentence that mostly
        // repeats one already chosen.
        scored.Sort(static (a, b) =>
        {
            var da = a.Score / Math.Sqrt(a.Tokens);
            var db = b.Score / Math.Sqrt(b.Tokens);
            return da != db ? db.CompareTo(da) : a.Unit.CompareTo(b.Unit);
        });

        var chosen = new List<int>();
        var left = request.TargetTokens;
        foreach (var (u, _, estimate) in scored)
        {
            if (left < 4)
            {
                break;
            }

            // "- speaker: text\n": the text's tokens, the speaker's (counted once per speaker) and about three for the rest.
            if (estimate > 2 * left)
            {
                continue;
            }

            var unit = units[u];
            if (!speakerTokens.TryGetValue(unit.Speaker, out var speaker))
            {
                speaker = request.Counter.CountTokens(unit.Speaker);
                speakerTokens[unit.Speaker] = speaker;
            }

            var tokens = request.Counter.CountTokens(unit.Text) + speaker + 3;
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

    // About four characters a token for Latin text, one and a half for other scripts; at least one.
    private static int EstimateTokens(Unit unit)
    {
        var ascii = 0;
        foreach (var c in unit.Text)
        {
            ascii += c < 128 ? 1 : 0;
        }

        var other = unit.Text.Length - ascii;
        return Math.Max(1, (ascii / 4) + (int)(other / 1.5) + 4);
    }

    private static string Render(Unit unit) => unit.Speaker.Length > 0 ? $"- {unit.Speaker}: {unit.Text}" : $"- {unit.Text}";

    // Shared terms over the smaller unit's terms (both sorted).
    private static double Overlap(int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                shared++;
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return (double)shared / Math.Min(a.Length, b.Length);
    }

    private sealed record Unit(string Speaker, string Text, int Order, bool Carried);
}

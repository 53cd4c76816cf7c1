using System.Globalization;

namespace FiniteMemory;

/// <summary>
/// Checks a summary against the text it summarizes: it must fit its token target, keep the numbers, dates and
/// proper names of the source (<see cref="Facts"/>) — at least <see cref="MinFactRecall"/> of them, or as many as
/// the extractive summary manages when that is fewer — and invent no number the source does not contain.
/// </summary>
/// <param name="MinFactRecall">Share of the source's facts a summary must keep.</param>
internal sealed record SummaryQualityGate(double MinFactRecall = 0.9)
{
    /// <summary>Checks <paramref name="summary"/> against <paramref name="source"/>.</summary>
    /// <param name="source">The summarized text: the previous summary and the folded messages.</param>
    /// <param name="summary">The candidate summary.</param>
    /// <param name="targetTokens">The most tokens it may have.</param>
    /// <param name="counter">The counter the target is measured with.</param>
    /// <param name="floor">A recall the summary passes with even below <see cref="MinFactRecall"/> (the extractive summary's own).</param>
    public SummaryVerdict Check(string source, string summary, int targetTokens, ITokenCounter counter, double floor = 1.0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(counter);
        var facts = Facts.Extract(source);
        var vocabulary = Facts.Vocabulary(summary);
        var missing = facts.MissingFrom(vocabulary);
        var recall = facts.Count == 0 ? 1.0 : 1.0 - ((double)missing.Count / facts.Count);
        var sourceVocabulary = Facts.Vocabulary(source);
        var invented = Facts.Extract(summary).Numbers.Where(n => !sourceVocabulary.Contains(n)).ToList();
        var tokens = counter.CountTokens(summary);
        var required = Math.Min(MinFactRecall, floor);

        string? problem = null;
        if (string.IsNullOrWhiteSpace(summary))
        {
            problem = "the summary is empty";
        }
        else if (tokens > targetTokens)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the summary has {tokens} tokens, more than its target of {targetTokens}");
        }
        else if (invented.Count > 0)
        {
            problem = $"the summary states numbers the conversation does not: {string.Join(", ", invented.Take(5))}";
        }
        else if (recall < required - 1e-9)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the summary keeps {recall:P0} of the numbers, dates and names (needs {required:P0}); missing: {string.Join(", ", missing.Take(8))}");
        }

        return new SummaryVerdict(problem is null, recall, tokens, missing, invented, problem);
    }
}

/// <summary>What <see cref="SummaryQualityGate.Check"/> found.</summary>
/// <param name="Passed">Whether the summary may be used.</param>
/// <param name="FactRecall">Share of the source's facts the summary keeps.</param>
/// <param name="Tokens">The summary's tokens.</param>
/// <param name="Missing">Facts of the source the summary lacks.</param>
/// <param name="Invented">Numbers in the summary that the source does not contain.</param>
/// <param name="Problem">Why it failed, or null.</param>
internal sealed record SummaryVerdict(bool Passed, double FactRecall, int Tokens, IReadOnlyList<string> Missing, IReadOnlyList<string> Invented, string? Problem);

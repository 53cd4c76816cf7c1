
namespace FiniteMemory.Tests.Summaries;

public class ExtractiveSummarizerTests
{
    private static readonly TokenCounter Counter = TokenCounter.Default;

    private static readonly string[] Lines =
    [
        "ann: Hi there, how are you doing today?",
        "assistant: I'm doing well, thanks for asking. How can I help?",
        "ann: We adopted a beagle puppy on 12 March and named him Biscuit.",
        "assistant: Congratulations! Beagles are friendly and curious dogs.",
        "ann: Haha yes. Anyway, the weather is nice.",
        "ann: My sister Lina moves to Porto on 1 June; her flight is TP1234 at 07:45.",
        "assistant: That sounds exciting. Let me know if you want help planning.",
    ];

    [Test]
    public async Task TheSummaryFitsItsTargetAndQuotesOnlyInputSentencesInOrder()
    {
        var summary = ExtractiveSummarizer.Summarize(new SummaryRequest(null, Lines, 60, Counter));
        var lines = summary.Split('\n');

        await Assert.That(Counter.CountTokens(summary)).IsLessThanOrEqualTo(60);
        await Assert.That(lines.Length).IsGreaterThan(0);
        var positions = new List<int>();
        foreach (var line in lines)
        {
            await Assert.That(line).StartsWith("- ");
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            var speaker = line[2..colon];
            var sentence = line[(colon + 2)..];
            var source = Array.FindIndex(Lines, l => l.StartsWith(speaker + ": ", StringComparison.Ordinal) && l.Contains(sentence, StringComparison.Ordinal));
            await Assert.That(source).IsGreaterThanOrEqualTo(0).Because(line);
            positions.Add(source);
        }

        await Assert.That(positions).IsInOrder();
    }

    [Test]
    public async Task SentencesCarryingFactsWinOverSmallTalk()
    {
        var summary = ExtractiveSummarizer.Summarize(new SummaryRequest(null, Lines, 60, Counter));

        await Assert.That(summary).Contains("Biscuit");
        await Assert.That(summary).Contains("TP1234");
        await Assert.That(summary).DoesNotContain("weather");
        await Assert.That(summary).DoesNotContain("how are you");
    }

    [Test]
    public async Task ThePreviousSummaryCompetesAndIsKeptWhenItCarriesFacts()
    {
        const string previous = "- ann: Our landlord Mr Okafor raised the rent to €1,450 from 1 May.";
        var summary = ExtractiveSummarizer.Summarize(new SummaryRequest(previous, Lines[..4], 60, Counter));

        await Assert.That(summary.Split('\n')[0]).IsEqualTo(previous);
        await Assert.That(summary).Contains("Biscuit");
    }

    [Test]
    public async Task ANonPositiveTargetGivesAnEmptySummary()
    {
        await Assert.That(ExtractiveSummarizer.Summarize(new SummaryRequest(null, Lines, 0, Counter))).IsEqualTo(string.Empty);
    }
}

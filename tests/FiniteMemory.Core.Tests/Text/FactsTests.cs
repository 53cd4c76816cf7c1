
namespace FiniteMemory.Tests.Text;

public class FactsTests
{
    [Test]
    public async Task NumbersDatesAndMidSentenceNamesAreFacts()
    {
        var facts = Facts.Extract("We land at 10:30 on Friday 3 April on flight BA249 with Tomás; it cost €2,400. Great news.");

        await Assert.That(facts.Numbers).IsEquivalentTo(new[] { "10:30", "3", "ba249", "2400" });
        await Assert.That(facts.Dates).IsEquivalentTo(new[] { "friday", "april" });
        await Assert.That(facts.Names).IsEquivalentTo(new[] { "tomás" });
    }

    [Test]
    public async Task ASentencesFirstWordIsANameOnlyWhenTheTextAlsoCapitalizesItElsewhere()
    {
        await Assert.That(Facts.Extract("Porto is lovely. Anyway, we moved.").Names).IsEmpty();
        await Assert.That(Facts.Extract("Porto is lovely. We moved to Porto.").Names).IsEquivalentTo(new[] { "porto" });
    }

    [Test]
    public async Task IAndStopWordsAreNeverNames()
    {
        await Assert.That(Facts.Extract("Then I said The End, and We laughed.").Names).IsEquivalentTo(new[] { "end" });
    }

    [Test]
    public async Task MissingFromListsTheFactsAnotherTextDoesNotState()
    {
        var facts = Facts.Extract("Biscuit is 3; we adopted him in May from Lisbon.");
        var missing = facts.MissingFrom(Facts.Vocabulary("- adopted biscuit (age 3) in lisbon"));
        await Assert.That(missing).IsEquivalentTo(new[] { "may" });
    }
}

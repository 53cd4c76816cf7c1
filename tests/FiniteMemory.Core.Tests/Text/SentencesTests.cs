
namespace FiniteMemory.Tests.Text;

public class SentencesTests
{
    [Test]
    public async Task SplitsAtSentenceEndsAndLineBreaksButNotInsideNumbersOrBeforeALowerCaseWord()
    {
        const string text = "It costs 3.50 euros. Really?! Yes… e.g. this one is fine.\nNext line。次";
        var sentences = Sentences.Split(text).Select(r => text[r]).ToList();
        await Assert.That(sentences).IsEquivalentTo(new[] { "It costs 3.50 euros.", "Really?!", "Yes…", "e.g. this one is fine.", "Next line。", "次" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}

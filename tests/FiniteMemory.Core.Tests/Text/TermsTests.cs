
namespace FiniteMemory.Tests.Text;

public class TermsTests
{
    [Test]
    [Arguments("caresses", "caress")]
    [Arguments("ponies", "poni")]
    [Arguments("cats", "cat")]
    [Arguments("feed", "feed")]
    [Arguments("agreed", "agree")]
    [Arguments("plastered", "plaster")]
    [Arguments("motoring", "motor")]
    [Arguments("sing", "sing")]
    [Arguments("conflated", "conflate")]
    [Arguments("hopping", "hop")]
    [Arguments("falling", "fall")]
    [Arguments("filing", "file")]
    [Arguments("happy", "happi")]
    [Arguments("sky", "sky")]
    [Arguments("painting", "paint")]
    [Arguments("painted", "paint")]
    [Arguments("researching", "research")]
    [Arguments("glass", "glass")]
    public async Task StemFoldsInflectionsLikePorterStepOne(string word, string stem)
    {
        var buffer = word.ToCharArray();
        var length = Terms.Stem(buffer);
        await Assert.That(new string(buffer, 0, length)).IsEqualTo(stem);
    }

    [Test]
    public async Task TermsAreLowerCaseContentWordsWithInflectionsFolded()
    {
        var terms = Terms.Of("The dogs were PAINTING Maya's fence, and I'm happy!");
        await Assert.That(terms).IsEquivalentTo(new[] { "dog", "paint", "maya", "fence", "happi" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task StopWordsCanBeKept()
    {
        var terms = Terms.Of("What is my dog's name?", keepStopWords: true);
        await Assert.That(terms).IsEquivalentTo(new[] { "what", "is", "my", "dog", "s", "name" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task EachIdeographIsATermAndOtherScriptsAreLowerCased()
    {
        var terms = Terms.Of("京都の天気 Привет МИР");
        await Assert.That(terms).IsEquivalentTo(new[] { "京", "都", "の", "天", "気", "привет", "мир" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task AVeryLongRunIsCutToTheMaximumTermLength()
    {
        var terms = Terms.Of(new string('x', 100));
        await Assert.That(terms.Single().Length).IsEqualTo(Terms.MaxTermLength);
    }
}

using Microsoft.Extensions.AI;
using FiniteMemory.Stages;

namespace FiniteMemory.Evaluation.Tests;

public class WindowScoreTests
{
    private static readonly string[] Turns = ["Our puppy is called Biscuit.", "What a name!", "We live in Porto now.", "Which city is home now?"];

    private static HashSet<string> WordsOf(int index) => [.. ContentWords.Words(Turns[index])];

    private static WindowMessage Kept(int index, KeepReason reason = KeepReason.Recent) =>
        new("t" + index, index, new ChatMessage(ChatRole.User, Turns[index]), 10, Truncated: false, reason);

    [Test]
    public async Task AnEvidenceTurnKeptWholeCountsAndItsWordsAreInView()
    {
        var score = WindowScore.Of([Kept(2), Kept(3, KeepReason.Query)], questionIndex: 3, evidence: [2], ContentWords.OfAnswer("Porto"), WordsOf);

        await Assert.That(score).IsEqualTo(new WindowScore(1, true));
    }

    [Test]
    public async Task ATruncatedCopyIsNotEvidenceButItsTextCountsForTheAnswer()
    {
        var truncated = new WindowMessage("t0", 0, new ChatMessage(ChatRole.User, "Our puppy is called Biscuit. [… 3 tokens truncated by FiniteMemory …]"), 8, Truncated: true, KeepReason.Selected);

        var score = WindowScore.Of([truncated, Kept(3, KeepReason.Query)], questionIndex: 3, evidence: [0], ContentWords.OfAnswer("Biscuit"), WordsOf);

        await Assert.That(score).IsEqualTo(new WindowScore(0, true));
    }

    [Test]
    public async Task ASummaryIsNeverEvidenceButEarnsTheAnswer()
    {
        var summary = new WindowMessage(FrameSummary.Id, -1, new ChatMessage(ChatRole.System, "Earlier: the user adopted a puppy named Biscuit and moved to Porto."), 20, Truncated: false, KeepReason.Selected);

        var score = WindowScore.Of([summary, Kept(3, KeepReason.Query)], questionIndex: 3, evidence: [0, 2], ContentWords.OfAnswer("Biscuit"), WordsOf);

        await Assert.That(score).IsEqualTo(new WindowScore(0, true));
    }

    [Test]
    public async Task TheQuestionsOwnWordsNeverEarnTheAnswer()
    {
        var score = WindowScore.Of([Kept(1), Kept(3, KeepReason.Query)], questionIndex: 3, evidence: [2], ContentWords.OfAnswer("city home"), WordsOf);

        await Assert.That(score).IsEqualTo(new WindowScore(0, false));
    }

    [Test]
    [Arguments("The Salt Orchard", "salt,orchard")]
    [Arguments("June 12 at 9:30", "june,12,9,30")]
    [Arguments("Dr. Fairbairn", "dr,fairbairn")]
    [Arguments("It's HIM", "it,s,him")]
    [Arguments("St Aldhelm's", "st,aldhelm")]
    public async Task AnswerWordsAreTheLowercasedContentWordsOrAllWordsWhenThereAreNone(string answer, string expected)
    {
        await Assert.That(string.Join(',', ContentWords.OfAnswer(answer))).IsEqualTo(expected);
    }

    [Test]
    [Arguments("Ann Lee", "Ann_Lee")]
    [Arguments("  Zoë-Marie O'Neill ", "Zo_-Marie_O_Neill")]
    [Arguments("", null)]
    [Arguments("   ", null)]
    public async Task SpeakersBecomeAuthorNamesOpenAIAccepts(string speaker, string? expected)
    {
        await Assert.That(AuthorNames.Sanitize(speaker)).IsEqualTo(expected);
    }

    [Test]
    public async Task LongSpeakersAreCutToSixtyFourCharacters()
    {
        await Assert.That(AuthorNames.Sanitize(new string('a', 100))!.Length).IsEqualTo(64);
    }
}

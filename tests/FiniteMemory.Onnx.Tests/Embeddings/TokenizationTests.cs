using FiniteMemory.Onnx.Embeddings;

namespace FiniteMemory.Onnx.Tests.Embeddings;

public class TokenizationTests
{
    private static int[] Pieces(string text) =>
        [.. MiniLmModel.Default.Tokenizer.EncodeToIds(AccentStripping.Strip(text), addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true)];

    [Test]
    public async Task ATextIsFramedByClsAndSep()
    {
        var ids = MiniLmModel.Default.Tokenize("hello world", MiniLmEmbedder.MaxTokens);
        await Assert.That(ids).IsEquivalentTo([MiniLmModel.Default.Tokenizer.ClassificationTokenId, .. Pieces("hello world"), MiniLmModel.Default.Tokenizer.SeparatorTokenId]);
        await Assert.That(ids.Length).IsEqualTo(4);
    }

    [Test]
    public async Task EmptyAndWhiteSpaceTextsAreTheBareMarkers()
    {
        int[] bare = [MiniLmModel.Default.Tokenizer.ClassificationTokenId, MiniLmModel.Default.Tokenizer.SeparatorTokenId];
        await Assert.That(MiniLmModel.Default.Tokenize("", MiniLmEmbedder.MaxTokens)).IsEquivalentTo(bare);
        await Assert.That(MiniLmModel.Default.Tokenize(" \t\r\n ", MiniLmEmbedder.MaxTokens)).IsEquivalentTo(bare);
    }

    // Hugging Face truncates ids, not words: a word whose pieces straddle the limit keeps the pieces that fit.
    [Test]
    public async Task TheCutAt256PiecesMayFallInsideAWordLikeHuggingFacesTruncation()
    {
        var text = string.Concat(Enumerable.Repeat("cat ", MiniLmEmbedder.MaxTokens - 3)) + "tokenization and more words after it";
        var pieces = Pieces(text);
        await Assert.That(Pieces("tokenization").Length).IsEqualTo(2);

        var ids = MiniLmModel.Default.Tokenize(text, MiniLmEmbedder.MaxTokens);

        await Assert.That(ids.Length).IsEqualTo(MiniLmEmbedder.MaxTokens);
        await Assert.That(ids[1..^1]).IsEquivalentTo(pieces[..(MiniLmEmbedder.MaxTokens - 2)]);
        await Assert.That(ids[^2]).IsEqualTo(Pieces("tokenization")[0]);
        await Assert.That(ids[^1]).IsEqualTo(MiniLmModel.Default.Tokenizer.SeparatorTokenId);
    }

    [Test]
    [Arguments("Café Zürich naïve señor Ångström", "Cafe Zurich naive senor Angstrom")]
    [Arguments("ÉCOLE Œuvre ǅ", "ECOLE Œuvre ǅ")]
    [Arguments("Ελληνικά: ά έ ή", "Ελληνικα: α ε η")]
    [Arguments("Tiếng Việt", "Tieng Viet")]
    [Arguments("です ガ", "てす カ")]
    [Arguments("e\u0301 a\u0300", "e a")]
    public async Task AccentsAreStrippedLikeBertUncasedInAnyGlobalizationMode(string text, string expected)
    {
        await Assert.That(AccentStripping.Strip(text)).IsEqualTo(expected);
    }

    [Test]
    public async Task HangulSyllablesAreDecomposedIntoJamoLikeNfd()
    {
        await Assert.That(AccentStripping.Strip("한국")).IsEqualTo("\u1112\u1161\u11AB\u1100\u116E\u11A8");
    }

    [Test]
    public async Task TextWithoutAccentsIsReturnedAsItIs()
    {
        var ascii = "plain ASCII text";
        var chinese = "我们明天去北京看长城。😀";
        await Assert.That(AccentStripping.Strip(ascii)).IsSameReferenceAs(ascii);
        await Assert.That(AccentStripping.Strip(chinese)).IsEqualTo(chinese);
    }
}

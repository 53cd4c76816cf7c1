using FiniteMemory.Onnx.Embeddings;

namespace FiniteMemory.Onnx.Tests.Support;

/// <summary>Texts longer than the model's 256 word pieces, and where to cut them.</summary>
internal static class LongText
{
    private const string Garden =
        "The old cat slept in the garden every afternoon while the sun moved slowly over the roses. " +
        "Birds sang in the apple tree, and the cat opened one eye when a small bird landed near the water bowl. " +
        "In the evening the children came home from school and played with the cat on the grass until dinner. ";

    private const string Markets =
        "Stock markets fell sharply on Tuesday after the central bank raised interest rates again. " +
        "Investors sold shares of technology companies, and the price of government bonds dropped as well. " +
        "Analysts expect more losses this quarter because energy costs and wages keep rising across the economy. ";

    /// <summary>About 330 word pieces on a garden, then about 330 on financial markets.</summary>
    public static string TwoTopics() => string.Concat(Enumerable.Repeat(Garden, 5)) + string.Concat(Enumerable.Repeat(Markets, 5));

    public static int CountPieces(string text) =>
        MiniLmModel.Default.Tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true).Count;

    /// <summary>The first whole words of <paramref name="text"/> that make exactly <paramref name="pieces"/> word pieces.</summary>
    public static string WordPrefixOfExactly(string text, int pieces)
    {
        var words = text.Split(' ');
        for (var n = 1; n <= words.Length; n++)
        {
            var prefix = string.Join(' ', words[..n]);
            var count = CountPieces(prefix);
            if (count == pieces)
            {
                return prefix;
            }

            if (count > pieces)
            {
                break;
            }
        }

        throw new InvalidOperationException($"No whole-word prefix of the text has exactly {pieces} word pieces; change the text.");
    }
}

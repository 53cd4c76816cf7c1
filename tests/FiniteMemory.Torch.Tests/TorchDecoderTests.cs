using FiniteMemory.Local;
using FiniteMemory.Testing;

namespace FiniteMemory.Torch.Tests;

public class TorchDecoderTests
{
    private const float Tolerance = 1e-4f;

    public static IEnumerable<Func<string>> Folders() => [() => TestModels.Gpt2Folder, () => TestModels.LlamaFolder, () => TestModels.Qwen2Folder];

    private static int[] Tokens(int count, int seed) =>
        [.. Enumerable.Range(0, count).Select(i => (int)(((i + 1L) * 7919 * seed) % 50257))];

    private static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }

    [Test]
    [MethodDataSource(nameof(Folders))]
    public async Task EveryPositionsLogitsMatchThePlainManagedReference(string folder)
    {
        using var torch = TorchDecoder.Load(folder);
        using var reference = new ReferenceDecoder(folder);
        var tokens = Tokens(24, 3);
        var vocab = torch.Config.VocabSize;
        var expected = new float[tokens.Length * vocab];
        var actual = new float[tokens.Length * vocab];
        using (var c = reference.CreateCache())
        {
            reference.Forward(c, tokens, expected);
        }

        using (var c = torch.CreateCache())
        {
            torch.Forward(c, tokens, actual);
        }

        await Assert.That(MaxAbsDiff(actual, expected)).IsLessThan(Tolerance);

        // Random weights that made every logit alike would prove nothing.
        await Assert.That(expected.Max() - expected.Min()).IsGreaterThan(1f);
    }

    [Test]
    [MethodDataSource(nameof(Folders))]
    public async Task CachedAndUncachedForwardPassesGiveTheSameLogits(string folder)
    {
        using var model = TorchDecoder.Load(folder);
        var tokens = Tokens(40, 5);
        var vocab = model.Config.VocabSize;
        var full = new float[tokens.Length * vocab];
        using (var c = model.CreateCache())
        {
            model.Forward(c, tokens, full);
        }

        // The same positions computed in pieces over the cache: a prefix, then one token at a time, then a chunk.
        using var cache = model.CreateCache();
        var step = new float[vocab];
        model.Forward(cache, tokens.AsSpan(0, 10), step);
        var max = MaxAbsDiff(step, full.AsSpan(9 * vocab, vocab));
        for (var i = 10; i < 30; i++)
        {
            model.Forward(cache, tokens.AsSpan(i, 1), step);
            max = MathF.Max(max, MaxAbsDiff(step, full.AsSpan(i * vocab, vocab)));
        }

        var chunk = new float[10 * vocab];
        model.Forward(cache, tokens.AsSpan(30, 10), chunk);
        max = MathF.Max(max, MaxAbsDiff(chunk, full.AsSpan(30 * vocab)));
        await Assert.That(max).IsLessThan(Tolerance);
        await Assert.That(cache.Length).IsEqualTo(40);
    }

    [Test]
    [MethodDataSource(nameof(Folders))]
    public async Task ATruncatedCacheContinuesAsIfTheForgottenTokensWereNeverThere(string folder)
    {
        using var model = TorchDecoder.Load(folder);
        var vocab = model.Config.VocabSize;
        var a = Tokens(20, 7);
        var b = Tokens(20, 11);
        var fresh = new float[vocab];
        using (var c = model.CreateCache())
        {
            model.Forward(c, [.. a[..12], .. b[12..]], fresh);
        }

        using var cache = model.CreateCache();
        var logits = new float[vocab];
        model.Forward(cache, a, logits);
        cache.Truncate(12);
        model.Forward(cache, b.AsSpan(12), logits);
        await Assert.That(MaxAbsDiff(logits, fresh)).IsLessThan(Tolerance);
    }

    [Test]
    [MethodDataSource(nameof(Folders))]
    public async Task TheAttentionEachPositionReceivedMatchesTheReference(string folder)
    {
        using var torch = TorchDecoder.Load(folder);
        using var reference = new ReferenceDecoder(folder);
        var vocab = torch.Config.VocabSize;
        var tokens = Tokens(16, 13);
        var logits = new float[vocab];
        float[] Received(ICausalLanguageModel model)
        {
            using var c = model.CreateCache();
            model.Forward(c, tokens.AsSpan(0, 12), logits);
            var received = new float[16];
            ((IAttentionReporter)model).ForwardWithAttention(c, tokens.AsSpan(12), logits, received);
            return received;
        }

        var expected = Received(reference);
        var actual = Received(torch);
        await Assert.That(MaxAbsDiff(actual, expected)).IsLessThan(Tolerance);

        // Every query's attention sums to one per head and layer: 4 queries × 4 heads × 2 layers.
        await Assert.That(Math.Abs(actual.Sum() - (4 * 4 * 2))).IsLessThan(1e-3f);
    }

    [Test]
    public async Task AForwardPastTheModelsPositionsIsRefusedWithTheFix()
    {
        using var model = TorchDecoder.Load(TestModels.Gpt2Folder);
        using var cache = model.CreateCache();
        var logits = new float[model.Config.VocabSize];
        model.Forward(cache, Tokens(250, 3), logits);
        var ex = await Assert.That(() => model.Forward(cache, Tokens(7, 5), logits)).Throws<ArgumentException>();
        await Assert.That(ex!.Message).Contains("257 positions");
        await Assert.That(ex.Message).Contains("memory policy's budget");
        await Assert.That(cache.Length).IsEqualTo(250);
    }

    [Test]
    public async Task AMissingFolderOrFileIsAClearError()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N"));
        var ex = await Assert.That(() => TorchDecoder.Load(missing)).Throws<DirectoryNotFoundException>();
        await Assert.That(ex!.Message).Contains(missing);

        var folder = TestModels.Folder("no-weights");
        File.WriteAllText(Path.Combine(folder, "config.json"), TinyModels.ConfigJson(TinyModelSpec.Gpt2()));
        var noWeights = await Assert.That(() => TorchDecoder.Load(folder)).Throws<FileNotFoundException>();
        await Assert.That(noWeights!.Message).Contains("model.safetensors");
    }

    [Test]
    [Arguments("\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0}", "rope_scaling of type 'llama3'")]
    [Arguments("\"sliding_window\": 64", "sliding attention window of 64 positions")]
    public async Task AConfigTheDecoderDoesNotComputeIsRefusedInsteadOfAnsweringWrongly(string field, string expected)
    {
        var spec = TinyModelSpec.Llama() with { Vocab = 100 };
        var folder = TinyModels.Write(spec, TestModels.Folder("refused-" + expected.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var config = TinyModels.ConfigJson(spec).TrimEnd();
        File.WriteAllText(Path.Combine(folder, "config.json"), config[..^1] + ", " + field + "}");

        var ex = await Assert.That(() => TorchDecoder.Load(folder)).Throws<InvalidDataException>();
        await Assert.That(ex!.Message).Contains(expected).And.Contains("onnx");
    }

    [Test]
    public async Task AWeightWithTheWrongShapeIsNamed()
    {
        var folder = TinyModels.Write(TinyModelSpec.Gpt2() with { Hidden = 32, Vocab = 100 }, TestModels.Folder("wrong-shape"));
        File.WriteAllText(Path.Combine(folder, "config.json"), TinyModels.ConfigJson(TinyModelSpec.Gpt2() with { Hidden = 64, Vocab = 100 }));
        var ex = await Assert.That(() => TorchDecoder.Load(folder)).Throws<InvalidDataException>();
        await Assert.That(ex!.Message).Contains("'wte.weight'");
    }
}

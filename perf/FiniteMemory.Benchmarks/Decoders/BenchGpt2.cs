using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;

namespace FiniteMemory.Benchmarks.Decoders;

/// <summary>
/// The decoder benchmarks' model: a random-weight GPT-2 of 6 layers × 384 (6 heads), 4,096 positions and GPT-2's
/// 50,257-token vocabulary — 31.5M parameters, 126 MB of float32, of which the (tied) token embedding is 77 MB.
/// Written once per process as a Hugging Face folder under the temp directory (deleted at exit) and exported to ONNX
/// by the tests' graph builder.
/// </summary>
internal static class BenchGpt2
{
    public static readonly TinyModelSpec Spec = new()
    {
        ModelType = "gpt2",
        Layers = 6,
        Hidden = 384,
        Heads = 6,
        KeyValueHeads = 6,
        Intermediate = 4 * 384,
        Positions = 4096,
        Seed = 11,
    };

    private static readonly Lazy<string> LazyFolder = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), $"fm-bench-gpt2-{Environment.ProcessId}");
        TinyModels.Write(Spec, folder);
        Gpt2OnnxBuilder.Export(folder);

        // 250 MB of safetensors and graph: gone when the benchmark process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    });

    /// <summary>The folder (config.json, model.safetensors, model.onnx).</summary>
    public static string Folder => LazyFolder.Value;

    /// <summary>Bytes of weights one decoding step reads at least once.</summary>
    public static long WeightBytes => ModelWeights.Bytes(Folder);

    /// <summary>A deterministic "conversation" of <paramref name="count"/> token ids.</summary>
    public static int[] Tokens(int count) => [.. Enumerable.Range(0, count).Select(i => (int)((i * 7919L + 13) % 50000))];
}

using BenchmarkDotNet.Attributes;
using FiniteMemory.Onnx.Decoding;

namespace FiniteMemory.Benchmarks.Decoders;

/// <summary>
/// The first call of the ONNX Runtime decoder (<see cref="BenchGpt2"/>, a 126 MB graph): loading the folder (graph
/// checked against config.json, session created and optimized) and running an 8-token prompt, against reading the
/// graph's bytes from disk (baseline). Cold each time: Monitoring strategy, one invocation per iteration.
/// </summary>
[Config(typeof(DecoderBenchmarkConfig))]
public class OnnxLoadBenchmarks
{
    private readonly int[] _prompt = BenchGpt2.Tokens(8);
    private string _folder = null!;

    [GlobalSetup]
    public void Setup() => _folder = BenchGpt2.Folder;

    [Benchmark(Baseline = true, Description = "Read model.onnx")]
    public int ReadFile() => File.ReadAllBytes(Path.Combine(_folder, "model.onnx")).Length;

    [Benchmark(Description = "Load + first forward (8 tokens)")]
    public float LoadAndFirstForward()
    {
        using var model = OnnxCausalLanguageModel.Load(_folder);
        using var cache = model.CreateCache();
        var logits = new float[model.Config.VocabSize];
        model.Forward(cache, _prompt, logits);
        return logits[0];
    }
}

using BenchmarkDotNet.Attributes;
using FiniteMemory.Local;
using FiniteMemory.Onnx.Decoding;

namespace FiniteMemory.Benchmarks.Decoders;

/// <summary>
/// A whole window from an empty cache on the ONNX Runtime decoder (<see cref="BenchGpt2"/>, one thread), wanting only
/// the last position's logits: in one pass (baseline; the graph computes every position's logits, window × 50,257
/// floats) against pieces of <see cref="OnnxDecoderOptions.PrefillChunk"/> tokens carried by the key/value cache.
/// The allocated column is the logits buffer a model grows to on its first prompt of that size.
/// </summary>
[Config(typeof(DecoderBenchmarkConfig))]
[MemoryDiagnoser]
public class OnnxPrefillBenchmarks
{
    private int[] _window = [];
    private float[] _logits = [];
    private OnnxCausalLanguageModel _onePass = null!;
    private OnnxCausalLanguageModel _pieces256 = null!;
    private OnnxCausalLanguageModel _pieces64 = null!;

    [Params(1024, 2048)]
    public int Window { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _window = BenchGpt2.Tokens(Window);
        _onePass = Load(BenchGpt2.Spec.Positions);
        _pieces256 = Load(256);
        _pieces64 = Load(64);
        _logits = new float[_onePass.Config.VocabSize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onePass.Dispose();
        _pieces256.Dispose();
        _pieces64.Dispose();
    }

    [Benchmark(Baseline = true, Description = "One pass")]
    public float OnePass() => Prefill(_onePass);

    [Benchmark(Description = "Pieces of 256 (default)")]
    public float Pieces256() => Prefill(_pieces256);

    [Benchmark(Description = "Pieces of 64")]
    public float Pieces64() => Prefill(_pieces64);

    private static OnnxCausalLanguageModel Load(int chunk) =>
        OnnxCausalLanguageModel.Load(BenchGpt2.Folder, new OnnxDecoderOptions { IntraOpThreads = 1, PrefillChunk = chunk });

    private float Prefill(OnnxCausalLanguageModel model)
    {
        using IKeyValueCache cache = model.CreateCache();
        model.Forward(cache, _window, _logits);
        return _logits[0];
    }
}

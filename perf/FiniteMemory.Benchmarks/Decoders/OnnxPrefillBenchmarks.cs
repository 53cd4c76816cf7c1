using BenchmarkDotNet.Attributes;
using FiniteMemory.Local;
using FiniteMemory.Onnx.Decoding;

namespace FiniteMemory.Benchmarks.Decoders;

/// <summary>
/// A whole window from an empty cache on the ONNX Runtime decoder (<see cref="BenchGpt2"/>, one thread), wanting only
/// the last position's logits: in one pass (baseline; the graph computes every position's logits, window × 50,257
/// floats) against pieces of <see cref="OnnxDecoderOptions.PrefillChunk"/> tokens carried by the key/value cache.
/// Each model keeps its cache between invocations (cut back to empty), so the allocated column is the logits buffer
/// one prefill needs (released after a prompt, as the model does, to keep no hundreds of megabytes between turns).
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
    private readonly Dictionary<OnnxCausalLanguageModel, IKeyValueCache> _caches = [];

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
        foreach (var model in new[] { _onePass, _pieces256, _pieces64 })
        {
            _caches[model] = model.CreateCache();
            Prefill(model);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var cache in _caches.Values)
        {
            cache.Dispose();
        }

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
        var cache = _caches[model];
        cache.Truncate(0);
        model.Forward(cache, _window, _logits);
        return _logits[0];
    }
}

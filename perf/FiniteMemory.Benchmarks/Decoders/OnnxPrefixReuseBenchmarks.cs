using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using FiniteMemory.Local;
using FiniteMemory.Onnx.Decoding;

namespace FiniteMemory.Benchmarks.Decoders;

/// <summary>
/// Turn N+1 of a conversation on the ONNX Runtime decoder (<see cref="BenchGpt2"/>): the window is
/// <see cref="Window"/> tokens, of which the last <see cref="NewTokens"/> are the new turn. "Full recompute" runs the
/// whole window from an empty cache (baseline); "prefix reuse" keeps the cache of the previous window and runs only
/// the new tokens, as LocalChatClient does when the memory policy keeps the window's start stable. Both end with the
/// logits of the last position (the first reply token). "Decode step" is one generated token over a cache of the
/// window, and "read the weights once" sums an array the size of the weights: the memory-bandwidth floor of a step.
/// </summary>
[Config(typeof(DecoderBenchmarkConfig))]
public class OnnxPrefixReuseBenchmarks
{
    private OnnxCausalLanguageModel _model = null!;
    private IKeyValueCache _cache = null!;
    private int[] _window = [];
    private float[] _logits = [];
    private float[] _weights = [];

    [Params(256, 1024, 2048)]
    public int Window { get; set; }

    /// <summary>ONNX Runtime's intra-op threads: 1, or 2 (both cores of the development VM, ONNX Runtime's default there).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The new turn: a user message and the generation prompt.</summary>
    public int NewTokens => 32;

    [GlobalSetup]
    public void Setup()
    {
        _model = OnnxCausalLanguageModel.Load(BenchGpt2.Folder, new OnnxDecoderOptions { IntraOpThreads = Threads });
        _window = BenchGpt2.Tokens(Window);
        _logits = new float[_model.Config.VocabSize];
        _cache = _model.CreateCache();
        _model.Forward(_cache, _window, _logits);
        _weights = new float[BenchGpt2.WeightBytes / sizeof(float)];
        Array.Fill(_weights, 1f);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        _model.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Full recompute of the window")]
    public float FullRecompute()
    {
        _cache.Truncate(0);
        _model.Forward(_cache, _window, _logits);
        return _logits[0];
    }

    [Benchmark(Description = "Prefix reuse: only the new turn")]
    public float PrefixReuse()
    {
        _cache.Truncate(Window - NewTokens);
        _model.Forward(_cache, _window.AsSpan(Window - NewTokens), _logits);
        return _logits[0];
    }

    [Benchmark(Description = "Decode step (one token)")]
    public float DecodeStep()
    {
        _cache.Truncate(Window - 1);
        _model.Forward(_cache, _window.AsSpan(Window - 1), _logits);
        return _logits[0];
    }

    [Benchmark(Description = "Read the weights once (bandwidth floor)")]
    public float ReadWeights() => TensorPrimitives.Sum(_weights);
}

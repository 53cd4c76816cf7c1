using BenchmarkDotNet.Attributes;
using FiniteMemory.Local;
using FiniteMemory.Testing;
using FiniteMemory.Torch;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// The model the local-decoder benchmarks run: a Llama-family decoder of 28.7M parameters (6 layers, width 384,
/// 6 heads over 2 key/value heads, SwiGLU 1,024, GPT-2's 50,257-token vocabulary with tied embeddings, 4,096
/// positions), random weights written once to the temp folder. Random weights compute exactly as trained ones do.
/// </summary>
internal static class BenchmarkModel
{
    public static readonly TinyModelSpec Spec = new()
    {
        ModelType = "llama",
        Hidden = 384,
        Layers = 6,
        Heads = 6,
        KeyValueHeads = 2,
        Intermediate = 1024,
        Positions = 4096,
        TieEmbeddings = true,
        Seed = 42,
    };

    private static readonly Lazy<string> FolderLazy = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "finitememory-bench-llama-28m");
        if (!File.Exists(Path.Combine(folder, "config.json")))
        {
            TinyModels.Write(Spec, folder);
        }

        return folder;
    });

    private static readonly Lazy<Tokenizer> TokenizerLazy = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    public static string Folder => FolderLazy.Value;

    public static Tokenizer Tokenizer => TokenizerLazy.Value;

    /// <summary>
    /// libtorch's threads: 1. The measuring machine is shared (load average ~13 on 2 cores while these ran), and
    /// libtorch's OpenMP workers spin-wait for each other: with 2 threads a decode step took 319 ms, with 1 thread 48 ms.
    /// </summary>
    public const int Threads = 1;

    /// <summary>Weights read per decoded token: every layer's matrices and the (tied) output projection, float32.</summary>
    public static long BytesPerToken => Decoders.ModelWeights.Bytes(Folder);

    /// <summary>A conversation whose ChatML prompt is about <paramref name="tokens"/> tokens.</summary>
    public static List<ChatMessage> Conversation(LocalChatClient client, int tokens)
    {
        List<ChatMessage> messages = [new(ChatRole.System, "You are a travel assistant who remembers every detail.")];
        for (var i = 0; client.Encoder.Encode(messages).Count < tokens - 30; i++)
        {
            messages.Add(i % 2 == 0
                ? new ChatMessage(ChatRole.User, $"Day {i}: we visited the temple, walked along the river and had noodles near the station.")
                : new ChatMessage(ChatRole.Assistant, $"Noted for day {i}. The river walk is best in the evening."));
        }

        return messages;
    }
}

/// <summary>
/// Turn N+1 of a conversation whose window is 256 / 1,024 / 2,048 tokens: with prefix reuse (the cache of turn N
/// is kept; only the new assistant reply and user message are computed) against a full recompute of the whole
/// window. Both produce one token, so the time is the prompt's. Baseline: the full recompute.
/// </summary>
public class PrefixReuseBenchmarks
{
    private LocalChatClient _reusing = null!;
    private LocalChatClient _fresh = null!;
    private List<ChatMessage> _turnN = null!;
    private List<ChatMessage> _turnN1 = null!;
    private readonly ChatOptions _options = new() { MaxOutputTokens = 1 };

    [Params(256, 1024, 2048)]
    public int Window { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _reusing = TorchBackends.Create(BenchmarkModel.Folder, tokenizer: BenchmarkModel.Tokenizer, threads: BenchmarkModel.Threads);
        _fresh = TorchBackends.Create(BenchmarkModel.Folder, new LocalChatClientOptions { ReuseCache = false }, BenchmarkModel.Tokenizer, BenchmarkModel.Threads);
        _turnN = BenchmarkModel.Conversation(_reusing, Window - 30);
        _turnN1 = [.. _turnN, new(ChatRole.Assistant, "The temple opens at eight; go early."), new(ChatRole.User, "And where should we eat tonight?")];
    }

    // Both benchmarks get the setup so they share one job (one invocation per iteration) and BenchmarkDotNet reports their ratio.
    [IterationSetup]
    public void PrimeTurnN() => _reusing.GetResponseAsync(_turnN, _options).GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "Full recompute")]
    public long? FullRecompute() => _fresh.GetResponseAsync(_turnN1, _options).GetAwaiter().GetResult().Usage!.InputTokenCount;

    [Benchmark(Description = "Prefix reuse")]
    public long? PrefixReuse() => _reusing.GetResponseAsync(_turnN1, _options).GetAwaiter().GetResult().Usage!.CachedInputTokenCount;

    [GlobalCleanup]
    public void Cleanup()
    {
        _reusing.Dispose();
        _fresh.Dispose();
    }
}

/// <summary>
/// Decoding one token over a 256-token cache (the cache is truncated back after each), and copying 256 MiB
/// (memory bandwidth: the physical limit of decoding is bandwidth ÷ weight bytes per token). Baseline: the decode step.
/// </summary>
public class DecodeBenchmarks
{
    private const int CopyBytes = 256 << 20;
    private TorchDecoder _model = null!;
    private IKeyValueCache _cache = null!;
    private float[] _logits = null!;
    private byte[] _source = null!;
    private byte[] _target = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = TorchDecoder.Load(BenchmarkModel.Folder, BenchmarkModel.Threads);
        _cache = _model.CreateCache();
        _logits = new float[_model.Config.VocabSize];
        _model.Forward(_cache, [.. Enumerable.Range(0, 256).Select(static i => (i * 131) % 50000)], _logits);
        _source = new byte[CopyBytes];
        _target = new byte[CopyBytes];
        Random.Shared.NextBytes(_source);
        Console.WriteLine($"// weight bytes read per token: {BenchmarkModel.BytesPerToken:N0}");
    }

    [Benchmark(Baseline = true, Description = "Decode one token (cache 256)")]
    public float DecodeOneToken()
    {
        _model.Forward(_cache, [1234], _logits);
        _cache.Truncate(256);
        return _logits[0];
    }

    [Benchmark(Description = "Copy 256 MiB (read + write 512 MiB)")]
    public byte CopyMemory()
    {
        _source.AsSpan().CopyTo(_target);
        return _target[^1];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        _model.Dispose();
    }
}

/// <summary>Loading the model (config, 115 MB of safetensors into libtorch tensors) and its first forward pass.</summary>
public class LoadBenchmarks
{
    [GlobalSetup]
    public void Setup() => _ = BenchmarkModel.Folder;

    [Benchmark(Description = "Load + first forward (1 token)")]
    public float LoadAndFirstForward()
    {
        using var model = TorchDecoder.Load(BenchmarkModel.Folder, BenchmarkModel.Threads);
        using var cache = model.CreateCache();
        var logits = new float[model.Config.VocabSize];
        model.Forward(cache, [42], logits);
        return logits[0];
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.AI;
using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Policies;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// What the per-message embedding cache buys the semantic policy with the offline MiniLM embedder, on a
/// 200-message conversation from the sample (long messages: ~33,000 tokens) and a 4,000-token budget. "First turn" builds a window over a fresh transcript, so
/// every message is embedded (as on the first turn of a restored or new session); "next turn" is the turn after,
/// on the same session, where only the new question is embedded. Baseline: the first turn. Monitoring strategy
/// (each operation is long, and must not be averaged with warm runs of itself).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class EmbeddingCacheBenchmarks
{
    private const int Budget = 4_000;

    private List<ChatMessage> _messages = null!;
    private MemorySession _warm = null!;
    private ChatMessage _query = null!;
    private int _count;

    [Params(200)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _messages = [.. BenchmarkData.Conversation(Messages).Select(m => m.Message)];
        _messages.RemoveAt(_messages.Count - 1);
        _query = new ChatMessage(ChatRole.User, "Which hotel did we pick in Kyoto, and is the peanut allergy on the booking?");
        _warm = Session();
        _count = _warm.Transcript.Count;
        NextTurn();
    }

    [Benchmark(Baseline = true, Description = "First turn: every message embedded")]
    public int FirstTurn()
    {
        var session = Session();
        session.Add(_query);
        return session.PrepareAsync().GetAwaiter().GetResult().Tokens;
    }

    [Benchmark(Description = "Next turn: only the new message embedded")]
    public int NextTurn()
    {
        _warm.Add(_query);
        var window = _warm.PrepareAsync().GetAwaiter().GetResult();
        _warm.Transcript.TruncateTo(_count);
        return window.Tokens;
    }

    private MemorySession Session()
    {
        var session = new MemorySession(new MemoryOptions { Budget = Budget, Policy = new SemanticPolicy(), Embedder = MiniLmEmbedder.Shared });
        session.AddRange(_messages);
        return session;
    }
}

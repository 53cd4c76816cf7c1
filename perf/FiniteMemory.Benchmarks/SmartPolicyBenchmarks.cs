using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using FiniteMemory.Engine;
using FiniteMemory.Policies;
using FiniteMemory.Sessions;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// One turn of each built-in policy on a conversation of 1,000 or 10,000 messages with a 4,000-token budget:
/// a new user message arrives, the window is built, and the message is taken back (so every operation sees
/// the same conversation). Caches are warm, as after the first turn of a real conversation: token counts,
/// term statistics, heuristic scores and the running summary are already there, so this is the steady-state
/// cost of a turn. Sliding is the baseline. No embedder (relevance is lexical; see EmbeddingCacheBenchmarks).
/// </summary>
[MemoryDiagnoser]
public class SmartPolicyBenchmarks
{
    private const int Budget = 4_000;

    private MemorySession _session = null!;
    private ChatMessage _query = null!;
    private int _count;

    [Params(1_000, 10_000)]
    public int Messages { get; set; }

    [Params("sliding", "importance", "semantic", "rolling_summary", "hybrid")]
    public string Policy { get; set; } = "sliding";

    [GlobalSetup]
    public void Setup()
    {
        var conversation = BenchmarkData.Conversation(Messages);
        _session = new MemorySession(new MemoryOptions { Budget = Budget, Policy = MemoryPolicies.Create(Policy) });
        foreach (var m in conversation.Take(conversation.Count - 1))
        {
            _session.Add(m.Message, m.Pinned, m.Id);
        }

        _count = _session.Transcript.Count;
        _query = new ChatMessage(ChatRole.User, "Which hotel did we pick in Kyoto, and is the peanut allergy on the booking?");

        // The first turn fills every cache (and folds the running summary); later turns reuse them.
        Turn();
    }

    [Benchmark]
    public int Turn()
    {
        _session.Add(_query);
        var window = _session.PrepareAsync().GetAwaiter().GetResult();
        _session.Transcript.TruncateTo(_count);
        return window.Tokens;
    }
}

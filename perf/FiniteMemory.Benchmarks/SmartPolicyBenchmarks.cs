using BenchmarkDotNet.Attributes;
using FiniteMemory.Policies;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// The window build of each built-in policy on a conversation of 1,000 or 10,000 messages (the last one a user
/// message) with a 4,000-token budget: <c>MemorySession.PrepareAsync</c>, which is what every turn runs before the
/// model call (mandatory messages, the policy, ordering, report and statistics). Caches are warm, as after the
/// first turn of a real conversation: token counts, term statistics, heuristic scores, clusters and the running
/// summary are already there, so this is the steady-state cost of a turn. No embedder (relevance is lexical; see
/// EmbeddingCacheBenchmarks for what embedding costs and saves).
/// </summary>
[MemoryDiagnoser]
public class SmartPolicyBenchmarks
{
    private const int Budget = 4_000;

    private MemorySession _session = null!;

    [Params(1_000, 10_000)]
    public int Messages { get; set; }

    [Params("sliding", "importance", "semantic", "rolling_summary", "hybrid")]
    public string Policy { get; set; } = "sliding";

    [GlobalSetup]
    public void Setup()
    {
        var conversation = BenchmarkData.Conversation(Messages);
        _session = new MemorySession(new MemoryOptions { Budget = Budget, Policy = MemoryPolicies.Create(Policy) });
        foreach (var m in conversation)
        {
            _session.Add(m.Message, m.Pinned, m.Id);
        }

        // The first build fills every cache (and folds the running summary); later builds reuse them.
        Build();
    }

    [Benchmark]
    public int Build() => _session.PrepareAsync().GetAwaiter().GetResult().Tokens;
}

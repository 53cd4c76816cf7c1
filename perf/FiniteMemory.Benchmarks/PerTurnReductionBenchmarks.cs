using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// The per-turn cost of bounding a conversation of 100 / 1,000 / 10,000 messages to the same window:
/// FiniteMemory's sliding policy (as a session, and as a stateless IChatReducer over the whole list)
/// against Microsoft.Extensions.AI's MessageCountingChatReducer and Semantic Kernel's
/// ChatHistoryTruncationReducer, each told to keep the number of messages FiniteMemory's 4,000-token window holds.
/// The peers count messages; FiniteMemory counts tokens, keeps tool calls with their results and pins.
/// Every method enumerates the messages it would send, so each pays for producing them.
/// </summary>
[MemoryDiagnoser]
public class PerTurnReductionBenchmarks
{
    private const int Budget = 4_000;

    private List<ChatMessage> _messages = null!;
    private MemorySession _session = null!;
    private FiniteMemoryChatReducer _reducer = null!;
    private MessageCountingChatReducer _meai = null!;
    private ChatHistoryTruncationReducer _sk = null!;
    private ChatHistory _history = null!;

    [Params(100, 1_000, 10_000)]
    public int Messages { get; set; }

    /// <summary>Messages in the window every reducer produces.</summary>
    public int Kept { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var conversation = BenchmarkData.Conversation(Messages);
        _messages = [.. conversation.Select(m => m.Message)];

        var options = new MemoryOptions { Budget = Budget };
        _session = new MemorySession(options);
        foreach (var m in conversation)
        {
            _session.Add(m.Message, m.Pinned, m.Id);
        }

        _reducer = new FiniteMemoryChatReducer(options);
        Kept = _session.PrepareAsync().GetAwaiter().GetResult().Messages.Count;

        // Warm the reducer's per-message token cache, as it is after the first turn of a real conversation.
        _reducer.ReduceAsync(_messages, CancellationToken.None).GetAwaiter().GetResult();

        _meai = new MessageCountingChatReducer(Kept);
        _history = BenchmarkData.ToSemanticKernel(_messages);
        _sk = new ChatHistoryTruncationReducer(Kept);
    }

    [Benchmark(Baseline = true, Description = "M.E.AI MessageCountingChatReducer")]
    public async Task<int> MeaiMessageCounting() => Count(await _meai.ReduceAsync(_messages, CancellationToken.None));

    [Benchmark(Description = "SK ChatHistoryTruncationReducer")]
    public async Task<int> SemanticKernelTruncation() => Count(await _sk.ReduceAsync(_history, CancellationToken.None) ?? _history);

    [Benchmark(Description = "FiniteMemory session (sliding)")]
    public async Task<int> FiniteMemorySession() => Count((await _session.PrepareAsync()).ChatMessages);

    [Benchmark(Description = "FiniteMemory IChatReducer (sliding)")]
    public async Task<int> FiniteMemoryReducer() => Count(await _reducer.ReduceAsync(_messages, CancellationToken.None));

    private static int Count<T>(IEnumerable<T> items)
    {
        var n = 0;
        foreach (var _ in items)
        {
            n++;
        }

        return n;
    }
}

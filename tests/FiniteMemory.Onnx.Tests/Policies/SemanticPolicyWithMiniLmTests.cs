using Microsoft.Extensions.AI;
using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Policies;

namespace FiniteMemory.Onnx.Tests.Policies;

/// <summary>The smart policies with the real offline embedder, through a session, as the README shows them.</summary>
public class SemanticPolicyWithMiniLmTests
{
    /// <summary>A model that answers every request with the same text and records the requests.</summary>
    private sealed class EchoModel : IChatClient
    {
        public List<List<ChatMessage>> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Requests.Add([.. messages]);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Noted.")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static readonly string[] Filler =
    [
        "The weather has been grey and windy all week, and the forecast says more of the same.",
        "I tried a lentil soup with cumin and lemon last night; it needed more salt.",
        "Work was hectic: the quarterly report went out two days late after a long review.",
        "The gym was packed, so I ran along the river instead and it was lovely.",
        "I'm reading a long novel about a lighthouse keeper and his daughter.",
        "Our kitchen tap keeps dripping at night and I can't find the right washer.",
    ];

    [Test]
    public async Task TheReadmesHybridSessionWithMiniLmRemembersAFactTheQuestionOnlyParaphrases()
    {
        IChatClient model = new EchoModel();

        // --- README: choosing a policy ---
        var memory = new MemorySession(model, new MemoryOptions
        {
            Budget = 8_000,
            Policy = MemoryPolicies.Create("hybrid"),       // or semantic, importance, rolling_summary, sliding
            Embedder = MiniLmEmbedder.Shared,               // offline all-MiniLM-L6-v2 (FiniteMemory.Onnx); any IEmbeddingGenerator works
            Summarizer = new ChatClientSummarizer(model),   // model-written rolling summaries, fact-checked; default: extractive
        });
        // --- end ---

        memory.AddSystem("You are a friendly assistant.");
        memory.Add(new ChatMessage(ChatRole.User, "Big news: we adopted a beagle puppy last spring and he already chews everything."), id: "fact");

        // About 30,000 tokens: the 8,000-token budget holds about a quarter of the conversation.
        for (var i = 0; i < 1_200; i++)
        {
            memory.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, Filler[i % Filler.Length] + $" (note {i})"));
        }

        var reply = await memory.ChatAsync("Which breed is our dog, again?");

        var window = memory.LastWindow!;
        await Assert.That(reply.Text).IsEqualTo("Noted.");
        await Assert.That(window.Stats.TokensSeen).IsGreaterThan(3 * window.Budget);
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(window.Available);
        await Assert.That(window.Report.Kept).Contains("fact");
        await Assert.That(window.Report.Fallback).IsNull();

        // This model answers "Noted." to everything, summaries included: the quality gate rejects that, the
        // extractive summary replaces it, and the report says so.
        await Assert.That(window.Report.Notes).IsNotEmpty();
        await Assert.That(window.Report.Notes.All(n => n.Contains("failed the quality gate twice", StringComparison.Ordinal))).IsTrue();
        await Assert.That(window.Messages[1].Id).IsEqualTo("fm:summary");
    }

    [Test]
    public async Task WithoutAnEmbedderTheSameQuestionFindsNothingLexically()
    {
        var memory = new MemorySession(new MemoryOptions { Budget = 2_000, Policy = MemoryPolicies.Create("semantic") });
        memory.Add(new ChatMessage(ChatRole.User, "Big news: we adopted a beagle puppy last spring and he already chews everything.") { MessageId = "fact" });
        for (var i = 0; i < 400; i++)
        {
            memory.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, Filler[i % Filler.Length] + $" (note {i})"));
        }

        memory.Add(new ChatMessage(ChatRole.User, "Which breed is our dog, again?"));
        var lexical = await memory.PrepareAsync();

        var semantic = new MemorySession(new MemoryOptions { Budget = 2_000, Policy = MemoryPolicies.Create("semantic"), Embedder = MiniLmEmbedder.Shared });
        semantic.AddRange(memory.Transcript.Select(e => e.Message));
        var withEmbeddings = await semantic.PrepareAsync();

        await Assert.That(lexical.Report.Kept).DoesNotContain("fact");
        await Assert.That(withEmbeddings.Report.Kept).Contains("fact");
    }
}

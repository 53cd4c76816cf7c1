using Microsoft.Extensions.AI;
using FiniteMemory.Policies;
using FiniteMemory.Tests.Fakes;

namespace FiniteMemory.Tests.Stages;

/// <summary>Relevance, importance, recency and clustering, through the built-in policies that use them.</summary>
public class SmartStageTests
{
    private static readonly string[] Topics =
    [
        "The weather in Lisbon has been rainy and grey all week, with wind from the sea.",
        "I am reading a long novel about a lighthouse keeper and his daughter.",
        "Work has been busy; we shipped the quarterly report two days late.",
        "For dinner I tried a new lentil soup recipe with cumin and lemon.",
        "The gym was crowded so I went running along the river instead.",
    ];

    // A long chat where one early message holds a planted fact, and many others talk about other things.
    private static MemorySession Chat(IMemoryPolicy policy, int budget, IEmbeddingGenerator<string, Embedding<float>>? embedder = null, IImportanceSource? importance = null)
    {
        var session = new MemorySession(new MemoryOptions { Budget = budget, Policy = policy, Embedder = embedder, Importance = importance });
        session.AddSystem("You are a helpful assistant.");
        session.Add(new ChatMessage(ChatRole.User, "By the way, we adopted a beagle puppy last month and named him Biscuit."), id: "fact");
        session.Add(new ChatMessage(ChatRole.Assistant, "What a lovely name! Congratulations on the new family member."), id: "fact-reply");
        for (var i = 0; i < 60; i++)
        {
            session.Add(new ChatMessage(ChatRole.User, Topics[i % Topics.Length] + $" (day {i})"), id: $"u{i}");
            session.Add(new ChatMessage(ChatRole.Assistant, "Thanks for sharing, that sounds like quite a day. Tell me more whenever you like."), id: $"a{i}");
        }

        return session;
    }

    [Test]
    public async Task TheSemanticPolicyBringsBackAnOldMessageThatAnswersTheNewOne()
    {
        var session = Chat(new SemanticPolicy(), budget: 400);
        session.Add(new ChatMessage(ChatRole.User, "Remind me, what did we name the puppy?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Kept).Contains("fact");
        await Assert.That(window.Messages.Single(m => m.Id == "fact").Reason).IsEqualTo(KeepReason.Selected);
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(window.Available);

        // A sliding window of the same size has long forgotten it.
        var sliding = Chat(SlidingPolicy.Instance, budget: 400);
        sliding.Add(new ChatMessage(ChatRole.User, "Remind me, what did we name the puppy?"), id: "q");
        await Assert.That((await sliding.PrepareAsync()).Report.Kept).DoesNotContain("fact");
    }

    [Test]
    public async Task EmbeddingsAreComputedOncePerMessageSoTheNextTurnEmbedsOnlyWhatIsNew()
    {
        var embedder = new HashingEmbedder();
        var session = Chat(new SemanticPolicy(), budget: 400, embedder);
        session.Add(new ChatMessage(ChatRole.User, "What did we name the puppy?"), id: "q1");
        await session.PrepareAsync();
        var firstInputs = embedder.Inputs.Count;
        await Assert.That(firstInputs).IsGreaterThan(100);

        session.RecordResponse(new ChatResponse(new ChatMessage(ChatRole.Assistant, "You named him Biscuit.")));
        session.Add(new ChatMessage(ChatRole.User, "And how old is the beagle puppy now?"), id: "q2");
        var window = await session.PrepareAsync();

        // Only the new question (and, once they leave the recent turns, newly older messages) are embedded.
        var newInputs = embedder.Inputs.Skip(firstInputs).ToList();
        await Assert.That(newInputs.Count).IsLessThanOrEqualTo(3);
        await Assert.That(newInputs).Contains("And how old is the beagle puppy now?");
        await Assert.That(window.Report.Kept).Contains("fact");
    }

    [Test]
    public async Task AFailingEmbedderLeavesRelevanceLexicalAndTheReportSaysSo()
    {
        var embedder = new HashingEmbedder { FailWith = new TimeoutException("embedding service timed out") };
        var session = Chat(new SemanticPolicy(), budget: 400, embedder);
        session.Add(new ChatMessage(ChatRole.User, "Remind me, what did we name the puppy?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Fallback).IsNull();
        await Assert.That(window.Report.Kept).Contains("fact");
        await Assert.That(window.Report.Notes.Any(n => n.Contains("relevance is lexical only", StringComparison.Ordinal) && n.Contains("embedding service timed out", StringComparison.Ordinal))).IsTrue();
    }

    [Test]
    public async Task TheSemanticPolicyReportsTopicClustersItRepresentsByFewerMembers()
    {
        var session = Chat(new SemanticPolicy(), budget: 600);
        session.Add(new ChatMessage(ChatRole.User, "How was the lentil soup and the running?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(window.Stats.ClustersMerged).IsGreaterThan(0);
    }

    [Test]
    public async Task TheHeuristicRanksAFactLadenDisclosureAboveSmallTalk()
    {
        var transcript = new Transcript(TokenCounter.Default);
        transcript.Add(new ChatMessage(ChatRole.User, "haha ok thanks"));
        transcript.Add(new ChatMessage(ChatRole.User, "My daughter Lina turns 7 on 3 May and she is allergic to peanuts, so please remember that."));
        transcript.Add(new ChatMessage(ChatRole.Assistant, "Sure, sounds good, let me know."));
        var heuristic = ImportanceHeuristic.For(transcript);
        heuristic.Update(transcript, transcript.Count);

        await Assert.That(heuristic[1]).IsGreaterThan(0.5f);
        await Assert.That(heuristic[0]).IsLessThan(0.11f);
        await Assert.That(heuristic[1]).IsGreaterThan(heuristic[2] * 2);
    }

    private sealed class OneImportantMessage(string id, bool fail = false) : IImportanceSource
    {
        public string Name => "attention";

        public ValueTask ScoreAsync(IReadOnlyList<MemoryEntry> entries, MemoryEntry? query, Memory<float> scores, CancellationToken cancellationToken)
        {
            if (fail)
            {
                throw new InvalidOperationException("model unloaded");
            }

            var span = scores.Span;
            for (var i = 0; i < entries.Count; i++)
            {
                span[i] = entries[i].Id == id ? 1f : 0f;
            }

            return ValueTask.CompletedTask;
        }
    }

    [Test]
    public async Task AModelsImportanceSignalDecidesWhatTheImportancePolicyKeeps()
    {
        var session = Chat(new ImportancePolicy(), budget: 300, importance: new OneImportantMessage("u7"));
        session.Add(new ChatMessage(ChatRole.User, "What now?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Kept).Contains("u7");
        await Assert.That(window.Stats.ImportanceEvictions).IsGreaterThan(0);
    }

    [Test]
    public async Task AFailingImportanceSourceLeavesTheHeuristicAndTheReportSaysSo()
    {
        var session = Chat(new ImportancePolicy(), budget: 300, importance: new OneImportantMessage("u7", fail: true));
        session.Add(new ChatMessage(ChatRole.User, "What now?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Fallback).IsNull();
        await Assert.That(window.Report.Notes.Single()).Contains("importance source 'attention' failed");

        // Exactly what the heuristic alone keeps.
        var heuristicOnly = Chat(new ImportancePolicy(), budget: 300);
        heuristicOnly.Add(new ChatMessage(ChatRole.User, "What now?"), id: "q");
        await Assert.That(window.Report.Kept).IsEquivalentTo((await heuristicOnly.PrepareAsync()).Report.Kept);
    }

    [Test]
    public async Task ImportanceEvictionsCountWhatASlidingWindowWouldHaveKept()
    {
        var session = Chat(new ImportancePolicy(), budget: 300);
        session.Add(new ChatMessage(ChatRole.User, "What now?"), id: "q");
        var window = await session.PrepareAsync();

        var sliding = Chat(SlidingPolicy.Instance, budget: 300);
        sliding.Add(new ChatMessage(ChatRole.User, "What now?"), id: "q");
        var slidingKept = (await sliding.PrepareAsync()).Report.Kept;

        var expected = slidingKept.Except(window.Report.Kept).Count();
        await Assert.That(expected).IsGreaterThan(0);
        await Assert.That(window.Stats.ImportanceEvictions).IsEqualTo(expected);
    }

    [Test]
    public async Task PassagesSplitALongMessageAtSentencesAndKeepAShortOneWhole()
    {
        await Assert.That(EmbeddingIndex.Passages("short text")).IsEquivalentTo(new[] { "short text" });
        var sentence = string.Join(' ', Enumerable.Repeat("word", 50)) + ".";
        var passages = EmbeddingIndex.Passages(string.Join(' ', Enumerable.Repeat(sentence, 5)));
        await Assert.That(passages.Count).IsEqualTo(3);
        await Assert.That(passages.All(p => p.EndsWith('.'))).IsTrue();
    }
}

using FiniteMemory;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;

namespace Split;

/// <summary>
/// What every app of perf/package-split.sh does before it exits: the same earlier conversation (a system message and
/// 40 turns, 81 messages, well over the budget), the same question, the <c>semantic</c> policy, and one line about the
/// first window. The apps differ only in what builds or receives that window.
/// </summary>
internal static class Conversation
{
    /// <summary>The session's budget in tokens.</summary>
    public const int Budget = 600;

    /// <summary>The new user message the first window is built for.</summary>
    public const string Question = "Which foods should my daughter avoid at restaurants?";

    private const string FactId = "allergy";

    /// <summary>A session over <paramref name="chatClient"/> (none: windows are only built) with the earlier conversation added.</summary>
    public static MemorySession Start(IChatClient? chatClient, IEmbeddingGenerator<string, Embedding<float>>? embedder = null)
    {
        var session = new MemorySession(chatClient, new MemoryOptions
        {
            Budget = Budget,
            ReserveTokens = 100,
            Policy = MemoryPolicies.Create(SemanticPolicy.PolicyName),
            Embedder = embedder,
        });
        session.AddSystem("You are a travel assistant.");
        session.Add(new ChatMessage(ChatRole.User, "Hello! Planning a family holiday by the coast."));
        session.Add(new ChatMessage(ChatRole.User, "My daughter is allergic to peanuts, so no nut dishes please."), id: FactId);
        string[] places = ["Lagos", "Faro", "Tavira", "Sagres", "Albufeira", "Olhão"];
        string[] plans = ["book the hotel shuttle", "check the tide times", "rent bicycles", "find a beach with lifeguards", "reserve a boat tour", "buy sun cream"];
        for (var i = 0; i < 39; i++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"In {places[i % places.Length]} we want to {plans[i % plans.Length]} on day {i + 1}."));
            session.Add(new ChatMessage(ChatRole.Assistant, $"Noted: {plans[i % plans.Length]} in {places[i % places.Length]} on day {i + 1}."));
        }

        return session;
    }

    /// <summary>Prints the first window in one line; exit code 1 if it broke the budget.</summary>
    public static int Report(string kind, ContextWindow window, string? reply = null)
    {
        var kept = window.Messages.Any(static m => m.Id == FactId) ? "kept" : "evicted";
        Console.WriteLine($"{kind}: first window {window.Tokens} of {window.Available} tokens, {window.Messages.Count} messages ({window.Report.EvictedCount} evicted), allergy note {kept}{(reply is null ? "" : $"; reply of {reply.Length} chars")}.");
        if (window.Tokens > window.Available)
        {
            Console.Error.WriteLine($"{kind}: FAILED: the window holds {window.Tokens} tokens, more than the {window.Available} available.");
            return 1;
        }

        return 0;
    }
}

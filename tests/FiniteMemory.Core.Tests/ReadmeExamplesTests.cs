using Microsoft.Extensions.AI;
using FiniteMemory.Engine;
using FiniteMemory.Integration;
using FiniteMemory.Sessions;
using FiniteMemory.Tests.Fakes;

namespace FiniteMemory.Tests;

/// <summary>The README's code, as written there, against an in-process model: what the README shows must work.</summary>
public class ReadmeExamplesTests
{
    [Test]
    public async Task TheQuickstartRunsAsShown()
    {
        var fake = new FakeChatClient { DefaultReply = FakeReply.Say("Day 1: Fushimi Inari at dawn.") };
        var path = Path.Combine(Path.GetTempPath(), $"trip-{Guid.NewGuid():N}.fmem.json");
        IChatClient model = fake;

        // --- README: Quickstart ---
        var session = new MemorySession(model, new MemoryOptions
        {
            Budget = 8_000,          // input tokens a request may use
            ReserveTokens = 1_000,   // held back for the reply
        });
        session.AddSystem("You are a concise travel assistant.");
        session.Add(new ChatMessage(ChatRole.User, "We are vegetarian, allergic to peanuts."), pinned: true);

        ChatResponse reply = await session.ChatAsync("Plan three days in Kyoto.");
        Console.WriteLine(reply.Text);

        await foreach (var update in session.ChatStreamingAsync("And a rainy-day alternative?"))
            Console.Write(update.Text);

        var report = session.LastWindow!.Report;   // Kept / Evicted / Truncated ids, Fallback
        var stats = session.Stats;                 // tokens seen/retained, evictions, latency, cache hits …
        await session.SaveCheckpointAsync(path);
        // --- end ---

        try
        {
            await Assert.That(reply.Text).IsEqualTo("Day 1: Fushimi Inari at dawn.");
            await Assert.That(session.Transcript.Count).IsEqualTo(6);
            await Assert.That(report.Kept.Count).IsEqualTo(5);
            await Assert.That(stats.Turns).IsEqualTo(2);
            await Assert.That(fake.Requests[1].Messages[1].Text).IsEqualTo("We are vegetarian, allergic to peanuts.");
            var restored = await MemorySession.LoadAsync(path, model, new MemoryOptions { Budget = 8_000 });
            await Assert.That(restored.Transcript.Count).IsEqualTo(6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task TheMiddlewareExampleBoundsEveryRequest()
    {
        var fake = new FakeChatClient();
        IChatClient model = fake;

        // --- README: middleware ---
        IChatClient client = new ChatClientBuilder(model)
            .UseFunctionInvocation()
            .UseFiniteMemory(budget: 8_000)
            .Build();
        // --- end ---

        var history = new List<ChatMessage>();
        for (var i = 0; i < 40; i++)
        {
            history.Add(new ChatMessage(ChatRole.User, string.Join(" ", Enumerable.Repeat($"question {i} about the itinerary", 60))));
            var response = await client.GetResponseAsync(history);
            history.AddRange(response.Messages);
        }

        await Assert.That(fake.Requests.All(r => r.CountWith(FiniteMemory.Tokens.TokenCounter.Default) <= 8_000)).IsTrue();
        await Assert.That(fake.Requests[^1].Messages.Count).IsLessThan(history.Count);
    }

    [Test]
    public async Task TheReducerExampleReduces()
    {
        // --- README: reducer ---
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 8_000 });
        // --- end ---

        var history = Enumerable.Range(0, 501)
            .Select(i => new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"message {i}: " + string.Join(" ", Enumerable.Repeat("some words about the trip", 8))))
            .ToList();
        var reduced = (await reducer.ReduceAsync(history, CancellationToken.None)).ToList();
        await Assert.That(reduced.Count).IsLessThan(501);
        await Assert.That(reduced.Count).IsGreaterThan(10);
        await Assert.That(reduced[^1]).IsSameReferenceAs(history[^1]);
    }
}

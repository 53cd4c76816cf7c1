using Microsoft.Extensions.AI;
using FiniteMemory.Backends;
using FiniteMemory.Policies;
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

        await Assert.That(fake.Requests.All(r => r.CountWith(FiniteMemory.TokenCounter.Default) <= 8_000)).IsTrue();
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

    [Test]
    public async Task TheDeclaredPolicyAndBackendWorkAsShown()
    {
        // --- README: Declaring policies and backends (the policy's use as written; the backend offline, as in ReadmeDeclarations) ---
        var session = new MemorySession(new MemoryOptions { Budget = 8000, Policy = MemoryPolicies.Create("support") });
        var client = ChatBackends.Create("echo", new BackendSettings { Model = "m", Options = new Dictionary<string, string> { ["temperature"] = "0.2" } });
        // --- end ---

        session.AddSystem("You are a support agent.");
        session.Add(new ChatMessage(ChatRole.User, "Hello, my parcel never arrived."), id: "opening");
        session.Add(new ChatMessage(ChatRole.Assistant, "Sorry to hear that. Which order?"));
        session.Add(new ChatMessage(ChatRole.User, "It is order #48213, placed on 2 May."), id: "order");
        for (var t = 0; t < 60; t++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"Follow-up {t}: " + string.Join(" ", Enumerable.Repeat("still waiting on the courier", 12))));
            session.Add(new ChatMessage(ChatRole.Assistant, $"Reply {t}: " + string.Join(" ", Enumerable.Repeat("we are checking with the courier", 12))));
        }

        session.Add(new ChatMessage(ChatRole.User, "Can you refund it?"), id: "now");
        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Policy).IsEqualTo("support");
        await Assert.That(window.Report.Kept).Contains("opening");
        await Assert.That(window.Report.Kept).Contains("order");
        await Assert.That(window.Report.Kept).Contains("now");
        await Assert.That(window.Report.EvictedCount).IsGreaterThan(0);

        var answer = await client.GetResponseAsync(window.ChatMessages);
        await Assert.That(answer.Text).IsEqualTo($"{window.ChatMessages.Count} messages, model m, temperature 0.2");
    }
}

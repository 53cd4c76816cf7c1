using System.ComponentModel;
using System.Text;
using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Tests.Sessions.SessionTestText;

namespace FiniteMemory.Tests.Integration;

public class FiniteMemoryChatClientTests
{
    private static readonly TokenCounter Counter = TokenCounter.Default;

    [Test]
    public async Task UseFiniteMemoryBoundsEveryRequest()
    {
        const int budget = 220;
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)) };
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(budget).Build();
        var history = new List<ChatMessage> { new(ChatRole.System, "You are a patient tutor.") };

        for (var turn = 1; turn <= 15; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            var response = await client.GetResponseAsync(history);
            await Assert.That(response.Text).IsEqualTo(Answer(turn));
            history.AddMessages(response);
        }

        var requests = fake.Requests;
        await Assert.That(requests.Count).IsEqualTo(15);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            await Assert.That(request.CountWith(Counter)).IsLessThanOrEqualTo(budget);
            await Assert.That(request.Messages[0].Role).IsEqualTo(ChatRole.System);
            await Assert.That(request.Last.Text).IsEqualTo(Question(i + 1));
        }

        await Assert.That(requests[^1].Messages.Count).IsLessThan(history.Count - 2);
        var middleware = client.GetService<FiniteMemoryChatClient>();
        await Assert.That(middleware).IsNotNull();
        await Assert.That(middleware!.Stats.PolicyCalls).IsEqualTo(15);
        await Assert.That(middleware.Stats.Turns).IsEqualTo(15);
    }

    [Test]
    public async Task UseFiniteMemoryBoundsEveryStreamingRequest()
    {
        const int budget = 220;
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)), ChunkCount = 4 };
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(budget).Build();
        var history = new List<ChatMessage> { new(ChatRole.System, "You are a patient tutor.") };

        for (var turn = 1; turn <= 15; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in client.GetStreamingResponseAsync(history))
            {
                updates.Add(update);
            }

            await Assert.That(string.Concat(updates.Select(u => u.Text))).IsEqualTo(Answer(turn));
            history.AddMessages(updates);
        }

        foreach (var request in fake.Requests)
        {
            await Assert.That(request.Streaming).IsTrue();
            await Assert.That(request.CountWith(Counter)).IsLessThanOrEqualTo(budget);
            await Assert.That(request.Last.Role).IsEqualTo(ChatRole.User);
        }

        await Assert.That(fake.Requests[^1].Messages.Count).IsLessThan(history.Count - 2);
        var middleware = client.GetService<FiniteMemoryChatClient>()!;
        await Assert.That(middleware.Stats.Turns).IsEqualTo(15);
    }

    [Test]
    public async Task WithFunctionInvocationOutsideEveryModelRequestOfAToolLoopIsBounded()
    {
        const int budget = 360;
        var lookups = 0;
        var lookup = AIFunctionFactory.Create(
            ([Description("What to look up")] string topic) =>
            {
                Interlocked.Increment(ref lookups);
                return Words("Encyclopedia entry about " + topic + ":", 400);
            },
            "lookup",
            "Looks a topic up in the encyclopedia.");
        var options = new ChatOptions { Tools = [lookup] };

        var fake = new FakeChatClient
        {
            Responder = r => r.Last.Role == ChatRole.Tool
                ? FakeReply.Say(Answer(r.Call))
                : new FakeReply
                {
                    Messages =
                    [
                        new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-" + r.Call, "lookup", new Dictionary<string, object?> { ["topic"] = "topic " + r.Call })]),
                    ],
                },
        };
        using var client = new ChatClientBuilder(fake).UseFunctionInvocation().UseFiniteMemory(budget).Build();
        var history = new List<ChatMessage> { new(ChatRole.System, "Use the lookup tool before answering.") };

        for (var turn = 1; turn <= 4; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            var response = await client.GetResponseAsync(history, options);
            history.AddMessages(response);
        }

        var requests = fake.Requests;
        await Assert.That(lookups).IsEqualTo(4);
        await Assert.That(requests.Count).IsEqualTo(8);
        foreach (var request in requests)
        {
            await Assert.That(request.Options?.Tools?.Count).IsEqualTo(1);
            await Assert.That(request.CountWith(Counter)).IsLessThanOrEqualTo(budget);
        }

        // The second request of each loop carries the call and its (shortened) result, and nothing unbounded.
        foreach (var request in requests.Where(r => r.Last.Role == ChatRole.Tool))
        {
            var calls = request.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId).ToHashSet();
            var results = request.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(c => c.CallId).ToHashSet();
            await Assert.That(results.IsSubsetOf(calls)).IsTrue();
            await Assert.That(calls.IsSubsetOf(results)).IsTrue();
        }

        // The full tool results are far bigger than the budget: bounding was needed.
        await Assert.That(Counter.CountTokens(Words("x", 400))).IsGreaterThan(budget);
        var middleware = client.GetService<FiniteMemoryChatClient>()!;
        await Assert.That(middleware.Stats.PolicyCalls).IsEqualTo(8);
        await Assert.That(middleware.Stats.Truncations).IsGreaterThanOrEqualTo(4);
    }

    [Test]
    public async Task TheMiddlewareLearnsTheProvidersTokenRatioAndKeepsLaterRequestsWithinTheBudget()
    {
        const int budget = 400;
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)), ProviderCounter = Counter, ProviderFactor = 1.5 };
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(budget).Build();
        var history = new List<ChatMessage> { new(ChatRole.System, "You are a patient tutor who explains carefully.") };

        for (var turn = 1; turn <= 20; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            history.AddMessages(await client.GetResponseAsync(history));
        }

        var middleware = client.GetService<FiniteMemoryChatClient>()!;
        await Assert.That(middleware.Calibration.Ratio).IsGreaterThanOrEqualTo(1.5);
        await Assert.That(middleware.Calibration.Ratio).IsLessThan(1.6);
        foreach (var request in fake.Requests.Skip(1))
        {
            await Assert.That(request.ProviderInputTokens!.Value).IsLessThanOrEqualTo(budget);
        }

        await Assert.That(fake.Requests.Skip(1).Max(r => r.ProviderInputTokens!.Value)).IsGreaterThan(budget * 8 / 10);
    }

    [Test]
    public async Task PinnedMessagesTravelThroughThePipelineAndStayInEveryRequest()
    {
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)) };
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(200).Build();
        var pinned = new ChatMessage(ChatRole.User, "My order number is 4711.").Pin();
        var history = new List<ChatMessage> { pinned };

        for (var turn = 1; turn <= 10; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            history.AddMessages(await client.GetResponseAsync(history));
        }

        foreach (var request in fake.Requests)
        {
            await Assert.That(ReferenceEquals(request.Messages[0], pinned)).IsTrue();
        }

        await Assert.That(fake.Requests[^1].Messages.Count).IsLessThan(history.Count - 1);
    }

    [Test]
    [Arguments(0)]
    [Arguments(-5)]
    public async Task UseFiniteMemoryRejectsABudgetThatIsNotPositiveNamingTheSetting(int budget)
    {
        var builder = new ChatClientBuilder(new FakeChatClient());

        var ex = Assert.Throws<ArgumentException>(() => builder.UseFiniteMemory(budget));

        await Assert.That(ex.ParamName).IsEqualTo("Budget");
        await Assert.That(ex.Message).Contains("MemoryOptions.Budget");
    }

    [Test]
    [Arguments(100, 100)]
    [Arguments(100, 150)]
    public async Task UseFiniteMemoryRejectsAReserveThatLeavesNothingForMessagesNamingTheSetting(int budget, int reserve)
    {
        var builder = new ChatClientBuilder(new FakeChatClient());

        // The options a callback sets can only be checked once the registered ones (if any) are known: at Build.
        var ex = Assert.Throws<ArgumentException>(() => builder.UseFiniteMemory(o =>
        {
            o.Budget = budget;
            o.ReserveTokens = reserve;
        }).Build());

        await Assert.That(ex.ParamName).IsEqualTo("ReserveTokens");
        await Assert.That(ex.Message).Contains("MemoryOptions.ReserveTokens");
    }

    [Test]
    public async Task TheMiddlewareCopiesItsOptions()
    {
        var options = new MemoryOptions { Budget = 500 };
        using var middleware = new FiniteMemoryChatClient(new FakeChatClient(), options);
        options.Budget = 1;

        await Assert.That(middleware.Options.Budget).IsEqualTo(500);
        await Assert.That(() => new FiniteMemoryChatClient(new FakeChatClient(), new MemoryOptions())).Throws<ArgumentException>();
    }

    [Test]
    public async Task AFailingModelCallPropagatesThroughTheMiddlewareAndIsNotCountedAsATurn()
    {
        var fake = new FakeChatClient(FakeReply.Fail(new InvalidOperationException("rate limited")));
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(500).Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        await Assert.That(ex!.Message).IsEqualTo("rate limited");
        var middleware = client.GetService<FiniteMemoryChatClient>()!;
        await Assert.That(middleware.Stats.Turns).IsEqualTo(0);
        await Assert.That(middleware.Stats.PolicyCalls).IsEqualTo(1);
    }

    [Test]
    public async Task AStreamTheConsumerStopsReadingIsNotCountedAsATurn()
    {
        var fake = new FakeChatClient(FakeReply.Say("one two three four five six")) { ChunkCount = 4 };
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(500).Build();

        var read = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "count")]))
        {
            read.Append(update.Text);
            break;
        }

        await Assert.That(read.Length).IsGreaterThan(0);
        await Assert.That(client.GetService<FiniteMemoryChatClient>()!.Stats.Turns).IsEqualTo(0);
    }

    [Test]
    public async Task AStreamThatBreaksMidWayThroughTheMiddlewareSurfacesAndIsNeitherCountedNorLearnedFrom()
    {
        var fake = new FakeChatClient { ChunkCount = 4, ProviderCounter = Counter, ProviderFactor = 1.8 };
        fake.Enqueue(new FakeReply { Text = "one two three four five six seven eight", ThrowAfterChunks = 2, Throw = new IOException("connection reset") });
        var hooks = new Telemetry.RecordingHooks();
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(o =>
        {
            o.Budget = 500;
            o.Hooks.Add(hooks);
        }).Build();

        var received = 0;
        var ex = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "count to eight")]))
            {
                received++;
            }
        });

        await Assert.That(ex!.Message).IsEqualTo("connection reset");
        await Assert.That(received).IsEqualTo(2);
        var middleware = client.GetService<FiniteMemoryChatClient>()!;
        await Assert.That(middleware.Stats.Turns).IsEqualTo(0);
        await Assert.That(middleware.Calibration.Observations).IsEqualTo(0);
        var complete = hooks.Of<FiniteMemory.ChatCompleteEvent>().Single();
        await Assert.That(complete.Outcome).IsEqualTo(FiniteMemory.ChatOutcome.Failed);
        await Assert.That(complete.Response).IsNull();
    }
}

using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Tests.Sessions.SessionTestText;

namespace FiniteMemory.Tests.Integration;

public class FiniteMemoryChatReducerTests
{
    private static readonly TokenCounter Counter = TokenCounter.Default;

    private static List<ChatMessage> Conversation(int turns)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, "You are a patient tutor.") };
        for (var turn = 1; turn <= turns; turn++)
        {
            messages.Add(new ChatMessage(ChatRole.User, Question(turn)));
            messages.Add(new ChatMessage(ChatRole.Assistant, Answer(turn)));
        }

        messages.Add(new ChatMessage(ChatRole.User, Question(turns + 1)));
        return messages;
    }

    [Test]
    public async Task TheReducerBoundsEveryRequestThroughUseChatReducer()
    {
        const int budget = 200;
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)) };
        IChatReducer reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = budget });
        using var client = new ChatClientBuilder(fake).UseChatReducer(reducer).Build();
        var history = new List<ChatMessage> { new(ChatRole.System, "You are a patient tutor.") };

        for (var turn = 1; turn <= 12; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            history.AddMessages(await client.GetResponseAsync(history));
        }

        await Assert.That(fake.Requests.Count).IsEqualTo(12);
        for (var i = 0; i < fake.Requests.Count; i++)
        {
            var request = fake.Requests[i];
            await Assert.That(request.CountWith(Counter)).IsLessThanOrEqualTo(budget);
            await Assert.That(request.Messages[0].Role).IsEqualTo(ChatRole.System);
            await Assert.That(request.Last.Text).IsEqualTo(Question(i + 1));
        }

        await Assert.That(fake.Requests[^1].Messages.Count).IsLessThan(history.Count - 2);
        await Assert.That(((FiniteMemoryChatReducer)reducer).Stats.PolicyCalls).IsEqualTo(12);
    }

    [Test]
    public async Task TheReducerWorksInAReducingChatClientForStreamingToo()
    {
        const int budget = 200;
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)) };
        using var client = new ReducingChatClient(fake, new FiniteMemoryChatReducer(new MemoryOptions { Budget = budget }));
        var history = Conversation(10);

        await foreach (var _ in client.GetStreamingResponseAsync(history))
        {
        }

        var request = fake.Requests.Single();
        await Assert.That(request.Streaming).IsTrue();
        await Assert.That(request.CountWith(Counter)).IsLessThanOrEqualTo(budget);
        await Assert.That(ReferenceEquals(request.Messages[0], history[0])).IsTrue();
        await Assert.That(ReferenceEquals(request.Last, history[^1])).IsTrue();
        await Assert.That(request.Messages.Count).IsLessThan(history.Count);
    }

    [Test]
    public async Task ReduceAsyncReturnsTheNewestMessagesThatFitInChronologicalOrder()
    {
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 50, TokenCounter = new FixedCostTokenCounter(10) });
        var messages = Conversation(5); // system, 10 messages, newest user message

        var reduced = (await reducer.ReduceAsync(messages, CancellationToken.None)).ToList();

        // 5 messages of 10 tokens: the system message and the newest four.
        await Assert.That(reduced.Count).IsEqualTo(5);
        await Assert.That(ReferenceEquals(reduced[0], messages[0])).IsTrue();
        for (var i = 1; i < 5; i++)
        {
            await Assert.That(ReferenceEquals(reduced[i], messages[messages.Count - 5 + i])).IsTrue();
        }
    }

    [Test]
    [Arguments(20, false)]
    [Arguments(30, false)]
    [Arguments(40, false)]
    [Arguments(50, true)]
    [Arguments(60, true)]
    [Arguments(70, true)]
    public async Task TheReducerKeepsAToolCallAndItsResultsTogetherAtTheBoundary(int budget, bool toolExchangeKept)
    {
        // Every message costs 10 tokens. The exchange (a call and its two results) costs 30 and sits just before
        // the final answer and the new question.
        var call = new ChatMessage(ChatRole.Assistant,
        [
            new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Oslo" }),
            new FunctionCallContent("c2", "weather", new Dictionary<string, object?> { ["city"] = "Bergen" }),
        ]);
        var result1 = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "snow")]);
        var result2 = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c2", "rain")]);
        var messages = new List<ChatMessage>
        {
            new(ChatRole.User, "What is the weather in Oslo and Bergen?"),
            call,
            result1,
            result2,
            new(ChatRole.Assistant, "Snow in Oslo, rain in Bergen."),
            new(ChatRole.User, "And tomorrow?"),
        };
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = budget, TokenCounter = new FixedCostTokenCounter(10) });

        var reduced = (await reducer.ReduceAsync(messages, CancellationToken.None)).ToList();

        var hasCall = reduced.Contains(call);
        await Assert.That(reduced.Contains(result1)).IsEqualTo(hasCall);
        await Assert.That(reduced.Contains(result2)).IsEqualTo(hasCall);
        await Assert.That(hasCall).IsEqualTo(toolExchangeKept);
        await Assert.That(reduced.Count * 10).IsLessThanOrEqualTo(budget);
        await Assert.That(ReferenceEquals(reduced[^1], messages[^1])).IsTrue();
        if (toolExchangeKept)
        {
            await Assert.That(reduced.IndexOf(call)).IsEqualTo(reduced.IndexOf(result1) - 1);
            await Assert.That(reduced.IndexOf(result1)).IsEqualTo(reduced.IndexOf(result2) - 1);
        }
    }

    [Test]
    public async Task TokenCountsAreCachedPerMessageInstance()
    {
        var counter = new CallCountingTokenCounter(TokenCounter.Default);
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 100_000, TokenCounter = counter });
        var messages = Conversation(3); // 8 messages

        await reducer.ReduceAsync(messages, CancellationToken.None);
        await Assert.That(counter.CountMessageCalls).IsEqualTo(8);

        // The same instances plus two new ones: only the new ones are counted.
        messages.Add(new ChatMessage(ChatRole.Assistant, Answer(4)));
        messages.Add(new ChatMessage(ChatRole.User, Question(5)));
        await reducer.ReduceAsync(messages, CancellationToken.None);
        await Assert.That(counter.CountMessageCalls).IsEqualTo(10);

        // An equal but different instance is a different message.
        var copy = messages.Select(m => m).ToList();
        copy[^1] = new ChatMessage(ChatRole.User, Question(5));
        await reducer.ReduceAsync(copy, CancellationToken.None);
        await Assert.That(counter.CountMessageCalls).IsEqualTo(11);

        // A message edited so that its text length changes is counted again.
        ((TextContent)messages[1].Contents[0]).Text += " And one more thing.";
        await reducer.ReduceAsync(messages, CancellationToken.None);
        await Assert.That(counter.CountMessageCalls).IsEqualTo(12);
    }

    [Test]
    public async Task TheMiddlewareCachesTokenCountsAcrossRequests()
    {
        var counter = new CallCountingTokenCounter(TokenCounter.Default);
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)) };
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(o =>
        {
            o.Budget = 100_000;
            o.TokenCounter = counter;
        }).Build();
        var history = new List<ChatMessage>();

        for (var turn = 1; turn <= 10; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, Question(turn)));
            history.AddMessages(await client.GetResponseAsync(history));
        }

        // Each of the 20 messages was counted once, when it first appeared (the last answer never was sent).
        await Assert.That(counter.CountMessageCalls).IsEqualTo(19);
    }

    [Test]
    public async Task ReduceToWindowAsyncCountsTheRequestsToolsAgainstTheBudget()
    {
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 300 });
        var messages = Conversation(10);
        var tool = AIFunctionFactory.Create((string query) => query, "search", "Searches the knowledge base for documents matching the query and returns the best passages.");
        var options = new ChatOptions { Tools = [tool] };

        var without = await reducer.ReduceToWindowAsync(messages, null, CancellationToken.None);
        var with = await reducer.ReduceToWindowAsync(messages, options, CancellationToken.None);

        await Assert.That(with.Available).IsEqualTo(without.Available - Counter.CountTools(options.Tools));
        await Assert.That(with.Messages.Count).IsLessThan(without.Messages.Count);
        await Assert.That(with.EstimatedRequestTokens).IsLessThanOrEqualTo(300);
    }

    [Test]
    public async Task TheReducerThrowsMemoryBudgetExceptionWhenTheSystemPromptCannotFit()
    {
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 40 });
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, Words("You are an assistant with a very long system prompt:", 80)),
            new(ChatRole.User, "hi"),
        };

        var ex = await Assert.ThrowsAsync<MemoryBudgetException>(() => reducer.ReduceAsync(messages, CancellationToken.None));
        await Assert.That(ex!.Required).IsGreaterThan(ex.Budget);
        await Assert.That(ex.Message).Contains("budget 40");
    }

    [Test]
    public async Task TheReducerRejectsInvalidOptionsNamingTheSetting()
    {
        await Assert.That(() => new FiniteMemoryChatReducer(new MemoryOptions { Budget = 0 }))
            .Throws<ArgumentException>().WithParameterName("Budget");
        await Assert.That(() => new FiniteMemoryChatReducer(new MemoryOptions { Budget = 10, ReserveTokens = 10 }))
            .Throws<ArgumentException>().WithParameterName("ReserveTokens");
        await Assert.That(() => new FiniteMemoryChatReducer(new MemoryOptions { Budget = 10, ReserveTokens = -1 }))
            .Throws<ArgumentException>().WithParameterName("ReserveTokens");
    }
}

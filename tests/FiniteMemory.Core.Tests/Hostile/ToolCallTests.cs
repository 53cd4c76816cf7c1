using FiniteMemory.Engine;
using FiniteMemory.Integration;
using FiniteMemory.Sessions;
using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Hostile;

/// <summary>Issue 20, item 11: a tool call is never remembered or re-sent without its result.</summary>
public class ToolCallTests
{
    private static ChatMessage CallMessage(string id = "call-1") =>
        new(ChatRole.Assistant, [new TextContent("Let me look."), new FunctionCallContent(id, "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]);

    private static ChatOptions WithTool() =>
        new() { Tools = [AIFunctionFactory.Create((string city) => "snow", "get_weather", "Weather of a city.")] };

    [Test]
    public async Task AnUnrequestedToolCallIsRefusedAndTheTurnRemembersNothing()
    {
        var fake = new FakeChatClient(new FakeReply { Messages = [CallMessage()] });
        var session = new MemorySession(fake, new MemoryOptions { Budget = 1000 });

        var error = await Assert.That(async () => { await session.ChatAsync("Weather in Oslo?"); }).ThrowsExactly<InvalidOperationException>();

        await Assert.That(error!.Message).Contains("get_weather");
        await Assert.That(error.Message).Contains("no tools");
        await Assert.That(session.Transcript.Count).IsEqualTo(0);

        fake.Enqueue(FakeReply.Say("Hello."));
        await session.ChatAsync("Hi.");
        await Assert.That(fake.Requests[^1].Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Any()).IsFalse();
    }

    [Test]
    public async Task AnUnrequestedToolCallInAStreamIsRefusedAndTheTurnRemembersNothing()
    {
        var fake = new FakeChatClient(new FakeReply { Messages = [CallMessage()] });
        var session = new MemorySession(fake, new MemoryOptions { Budget = 1000 });

        var error = await Assert.That(async () =>
        {
            await foreach (var update in session.ChatStreamingAsync("Weather in Oslo?"))
            {
                _ = update;
            }
        }).ThrowsExactly<InvalidOperationException>();

        await Assert.That(error!.Message).Contains("get_weather");
        await Assert.That(session.Transcript.Count).IsEqualTo(0);
    }

    [Test]
    public async Task TheMiddlewareRefusesAnUnrequestedToolCall()
    {
        var fake = new FakeChatClient(new FakeReply { Messages = [CallMessage()] }, new FakeReply { Messages = [CallMessage()] });
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(1000).Build();

        var error = await Assert.That(async () => { await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather?")]); }).ThrowsExactly<InvalidOperationException>();
        await Assert.That(error!.Message).Contains("get_weather");

        var streamed = await Assert.That(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Weather?")]))
            {
                _ = update;
            }
        }).ThrowsExactly<InvalidOperationException>();
        await Assert.That(streamed!.Message).Contains("get_weather");
    }

    [Test]
    public async Task ARequestedToolCallIsKeptAndTheNextUserMessageWaitsForItsResult()
    {
        var fake = new FakeChatClient(new FakeReply { Messages = [CallMessage()] });
        var session = new MemorySession(fake, new MemoryOptions { Budget = 1000 });

        await session.ChatAsync("Weather in Oslo?", WithTool());
        await Assert.That(session.Transcript.Count).IsEqualTo(2);

        // Sending the next user message now would give the provider a call without its result: refused, nothing kept.
        var error = await Assert.That(async () => { await session.ChatAsync("And in Bergen?", WithTool()); }).ThrowsExactly<InvalidOperationException>();
        await Assert.That(error!.Message).Contains("call-1");
        await Assert.That(error.Message).Contains("FunctionResultContent");
        await Assert.That(session.Transcript.Count).IsEqualTo(2);
        await Assert.That(fake.CallCount).IsEqualTo(1);

        session.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call-1", "snow")]));
        fake.Enqueue(FakeReply.Say("Rain."));
        await session.ChatAsync("And in Bergen?", WithTool());

        var sent = fake.Requests[^1].Messages.SelectMany(m => m.Contents).ToList();
        var answered = sent.OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet();
        await Assert.That(sent.OfType<FunctionCallContent>().All(c => answered.Contains(c.CallId))).IsTrue();
    }
}

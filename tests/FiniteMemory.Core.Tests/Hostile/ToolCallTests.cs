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
    public async Task TheMiddlewarePassesACallOfAToolTheRequestDoesNotListToTheFunctionInvokerAbove()
    {
        // FunctionInvokingChatClient.AdditionalTools are run although ChatOptions.Tools does not list them: the
        // middleware, which remembers nothing, must hand such a call up rather than refuse it.
        var fake = new FakeChatClient(new FakeReply { Messages = [CallMessage()] }, FakeReply.Say("Snow in Oslo."));
        var invoked = 0;
        var weather = AIFunctionFactory.Create((string city) => { invoked++; return "snow"; }, "get_weather", "Weather of a city.");
        using var client = new ChatClientBuilder(fake)
            .UseFunctionInvocation(configure: f => f.AdditionalTools = [weather])
            .UseFiniteMemory(1000)
            .Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather?")]);

        await Assert.That(invoked).IsEqualTo(1);
        await Assert.That(response.Text).Contains("Snow in Oslo.");
        var second = fake.Requests[1].Messages.SelectMany(m => m.Contents).ToList();
        await Assert.That(second.OfType<FunctionResultContent>().Select(r => r.CallId)).IsEquivalentTo(["call-1"]);
    }

    [Test]
    [Arguments(2)]
    [Arguments(3)]
    public async Task AnUnansweredCallAtTheEndOfAnOlderCheckpointIsKeptAsTextSoTheConversationGoesOn(int version)
    {
        using var dir = new Checkpoints.TempDirectory();
        var path = dir.File("tools.json");
        var fake = new FakeChatClient(new FakeReply { Messages = [CallMessage()] });
        var saved = new MemorySession(fake, new MemoryOptions { Budget = 1000 });
        await saved.ChatAsync("Weather in Oslo?", WithTool());
        await saved.SaveCheckpointAsync(path);

        // What an earlier version wrote after a server called a tool nobody offered: format version 2, no revision.
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        if (version < 3)
        {
            json.Remove("revision");
            json.Remove("etag");
            json["version"] = version;
        }

        await File.WriteAllTextAsync(path, json.ToJsonString());

        fake.Enqueue(FakeReply.Say("Rain."));
        var session = await MemorySession.LoadAsync(path, fake, new MemoryOptions { Budget = 1000 });
        if (version == 3)
        {
            // A current file keeps the call: its result may still be added.
            await Assert.That(async () => { await session.ChatAsync("And in Bergen?"); }).ThrowsExactly<InvalidOperationException>();
            return;
        }

        await session.ChatAsync("And in Bergen?");
        var sent = fake.Requests[^1].Messages;
        await Assert.That(sent.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count()).IsEqualTo(0);
        await Assert.That(sent.Any(m => m.Text.Contains("[called get_weather(city=Oslo); it was never answered]", StringComparison.Ordinal))).IsTrue();
        await Assert.That(session.Transcript.Count).IsEqualTo(4);
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

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

    // A session whose last answer called get_weather without a result, saved, then rewritten as an earlier version
    // would have written it (format version 2, no revision) when asked.
    private static async Task<string> SavedWithAPendingCallAsync(Checkpoints.TempDirectory dir, int version, params ChatMessage[] before)
    {
        var path = dir.File("tools.json");
        var saved = new MemorySession(new MemoryOptions { Budget = 2000 });
        saved.AddRange([.. before, new ChatMessage(ChatRole.User, "Weather in Oslo?"), CallMessage()]);
        await saved.SaveCheckpointAsync(path);

        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        if (version < 3)
        {
            json.Remove("revision");
            json.Remove("etag");
            json["version"] = version;
        }

        await File.WriteAllTextAsync(path, json.ToJsonString());
        return path;
    }

    private static IEnumerable<AIContent> Contents(IEnumerable<ChatMessage> messages) => messages.SelectMany(m => m.Contents);

    [Test]
    public async Task AnUnansweredCallAtTheEndOfAnOlderCheckpointIsAnsweredWithANoteSoTheConversationGoesOn()
    {
        using var dir = new Checkpoints.TempDirectory();
        var path = await SavedWithAPendingCallAsync(dir, version: 2);
        var fake = new FakeChatClient(FakeReply.Say("Rain."));
        var session = await MemorySession.LoadAsync(path, fake, new MemoryOptions { Budget = 2000 });

        await session.ChatAsync("And in Bergen?");

        var sent = fake.Requests[^1].Messages;
        var results = Contents(sent).OfType<FunctionResultContent>().ToList();
        await Assert.That(Contents(sent).OfType<FunctionCallContent>().Select(c => c.CallId)).IsEquivalentTo(["call-1"]);
        await Assert.That(results.Select(r => r.CallId)).IsEquivalentTo(["call-1"]);
        await Assert.That(results[0].Result?.ToString()).Contains("no result");
        await Assert.That(sent[^1].Text).IsEqualTo("And in Bergen?");
    }

    [Test]
    public async Task AResultAddedForACallFromAnOlderCheckpointIsUsedAsTheToolAnswered()
    {
        using var dir = new Checkpoints.TempDirectory();
        var path = await SavedWithAPendingCallAsync(dir, version: 2);
        var fake = new FakeChatClient(FakeReply.Say("Rain."));
        var session = await MemorySession.LoadAsync(path, fake, new MemoryOptions { Budget = 2000 });

        session.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call-1", "snow")]));
        await session.ChatAsync("And in Bergen?", WithTool());

        var results = Contents(fake.Requests[^1].Messages).OfType<FunctionResultContent>().ToList();
        await Assert.That(results.Select(r => r.Result?.ToString() ?? string.Empty)).IsEquivalentTo(["snow"]);
    }

    [Test]
    public async Task ACurrentCheckpointKeepsACallWaitingForItsResult()
    {
        using var dir = new Checkpoints.TempDirectory();
        var path = await SavedWithAPendingCallAsync(dir, version: CheckpointDocument.CurrentVersion);
        var fake = new FakeChatClient(FakeReply.Say("Rain."));
        var session = await MemorySession.LoadAsync(path, fake, new MemoryOptions { Budget = 2000 });

        await Assert.That(async () => { await session.ChatAsync("And in Bergen?"); }).ThrowsExactly<InvalidOperationException>();
        await Assert.That(fake.CallCount).IsEqualTo(0);
    }

    [Test]
    public async Task AnUnansweredCallBeforeTheNewestUserMessageOfAnOlderCheckpointIsKeptAsText()
    {
        using var dir = new Checkpoints.TempDirectory();
        var early = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-0", "get_time", new Dictionary<string, object?> { ["zone"] = new string('z', 500) })]);
        var path = await SavedWithAPendingCallAsync(dir, version: 2, new ChatMessage(ChatRole.User, "Time?"), early);
        var fake = new FakeChatClient(FakeReply.Say("Rain."));
        var session = await MemorySession.LoadAsync(path, fake, new MemoryOptions { Budget = 2000 });

        session.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call-1", "snow")]));
        await session.ChatAsync("And in Bergen?", WithTool());

        var sent = fake.Requests[^1].Messages;
        await Assert.That(Contents(sent).OfType<FunctionCallContent>().Select(c => c.CallId)).IsEquivalentTo(["call-1"]);
        var text = sent.Select(m => m.Text).Single(t => t.StartsWith("[called get_time(", StringComparison.Ordinal));
        await Assert.That(text).EndsWith("…); it was never answered]");
        await Assert.That(text.Length).IsLessThan(300);
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

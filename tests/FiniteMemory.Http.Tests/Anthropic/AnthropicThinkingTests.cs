using System.Text.Json;
using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Http.Tests.Support.Conversations;

namespace FiniteMemory.Http.Tests.Anthropic;

/// <summary>Extended thinking: blocks kept as reasoning content and sent back exactly, as the Messages API requires in a tool loop.</summary>
public class AnthropicThinkingTests
{
    // The shapes of https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking (thinking, then tool_use).
    internal const string ThinkingBlock = """{"type":"thinking","thinking":"The user wants Bergen's weather. I should call get_weather.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}""";

    internal const string RedactedBlock = """{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2Yf"}""";

    internal const string ThinkingToolAnswer = $$$"""
        {"id":"msg_t1","type":"message","role":"assistant","model":"claude-test-1",
         "content":[{{{ThinkingBlock}}},{{{RedactedBlock}}},{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Bergen"}}],
         "stop_reason":"tool_use","usage":{"input_tokens":100,"output_tokens":60}}
        """;

    internal const string FinalAnswer = """
        {"id":"msg_t2","type":"message","role":"assistant","model":"claude-test-1","content":[{"type":"text","text":"Sunny in Bergen."}],
         "stop_reason":"end_turn","usage":{"input_tokens":150,"output_tokens":5}}
        """;

    private static IEnumerable<SseEvent> StreamedThinkingToolAnswer()
    {
        yield return SseEvent.Named("message_start", """{"type":"message_start","message":{"id":"msg_ts","type":"message","role":"assistant","model":"claude-test-1","content":[],"stop_reason":null,"usage":{"input_tokens":90,"output_tokens":1}}}""");
        yield return SseEvent.Named("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user wants Bergen's weather. "}}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"I should call get_weather."}}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}""");
        yield return SseEvent.Named("content_block_stop", """{"type":"content_block_stop","index":0}""");
        yield return SseEvent.Named("content_block_start", $$$"""{"type":"content_block_start","index":1,"content_block":{{{RedactedBlock}}}}""");
        yield return SseEvent.Named("content_block_stop", """{"type":"content_block_stop","index":1}""");
        yield return SseEvent.Named("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_02","name":"get_weather","input":{}}}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Bergen\"}"}}""");
        yield return SseEvent.Named("content_block_stop", """{"type":"content_block_stop","index":2}""");
        yield return SseEvent.Named("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":70}}""");
        yield return SseEvent.Named("message_stop", """{"type":"message_stop"}""");
    }


    [Test]
    public async Task ThinkingAndRedactedThinkingBecomeSignedReasoningContent()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(ThinkingToolAnswer));
        using var client = AnthropicChatClientTests.Client(server);

        var response = await client.GetResponseAsync("Weather in Bergen?");

        var contents = response.Messages.Single().Contents;
        await Assert.That(contents.Count).IsEqualTo(3);
        var thinking = (TextReasoningContent)contents[0];
        await Assert.That(thinking.Text).IsEqualTo("The user wants Bergen's weather. I should call get_weather.");
        await Assert.That(thinking.ProtectedData).IsEqualTo("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
        var redacted = (TextReasoningContent)contents[1];
        await Assert.That(redacted.Text).IsEqualTo(string.Empty);
        await Assert.That(redacted.ProtectedData).IsEqualTo("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2Yf");
        await Assert.That(contents[2]).IsTypeOf<FunctionCallContent>();
        await Assert.That(response.Text).IsEqualTo(string.Empty);
        await Assert.That(response.Usage!.OutputTokenCount).IsEqualTo(60);
    }

    [Test]
    public async Task AToolLoopSendsTheThinkingBlocksBackFirstAndUnchanged()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(ThinkingToolAnswer), FakeResponse.Json(FinalAnswer));
        using var client = new ChatClientBuilder(AnthropicChatClientTests.Client(server)).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Weather in Bergen?", WeatherOptions());

        await Assert.That(response.Text).IsEqualTo("Sunny in Bergen.");
        var assistant = server.Requests[1].Json.GetProperty("messages")[1];
        await Assert.That(assistant.GetProperty("role").GetString()).IsEqualTo("assistant");
        var expected = $$$"""[{{{ThinkingBlock}}},{{{RedactedBlock}}},{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Bergen"}}]""";
        await Assert.That(SameJson(assistant.GetProperty("content"), expected)).IsTrue().Because(assistant.GetRawText());
    }

    [Test]
    public async Task AStreamedThinkingBlockIsAssembledIntoOneSignedBlockAndSentBack()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(StreamedThinkingToolAnswer()), FakeResponse.Json(FinalAnswer));
        using var client = AnthropicChatClientTests.Client(server);
        List<ChatMessage> history = [new(ChatRole.User, "Weather in Bergen?")];

        var updates = await CollectAsync(client.GetStreamingResponseAsync(history, WeatherOptions()));
        var response = updates.ToChatResponse();

        // The thinking text streams as it comes, for display.
        await Assert.That(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Count(r => r.Text.Length > 0)).IsEqualTo(2);
        var reasoning = response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().ToList();
        await Assert.That(reasoning.Count).IsEqualTo(2);
        await Assert.That(reasoning[0].Text).IsEqualTo("The user wants Bergen's weather. I should call get_weather.");
        await Assert.That(reasoning[0].ProtectedData).IsEqualTo("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
        await Assert.That(reasoning[1].ProtectedData).IsEqualTo("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2Yf");

        history.AddRange(response.Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_02", "Bergen: sunny, 21 C")]));
        await client.GetResponseAsync(history, WeatherOptions());

        var assistant = server.Requests[1].Json.GetProperty("messages")[1];
        var expected = $$$"""[{{{ThinkingBlock}}},{{{RedactedBlock}}},{"type":"tool_use","id":"toolu_02","name":"get_weather","input":{"city":"Bergen"}}]""";
        await Assert.That(SameJson(assistant.GetProperty("content"), expected)).IsTrue().Because(assistant.GetRawText());
    }

    [Test]
    public async Task OnlySignedReasoningIsSentAndReasoningWithoutProtectedDataIsDropped()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(FinalAnswer));
        using var client = AnthropicChatClientTests.Client(server);
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Weather in Bergen?"),
            new(ChatRole.Assistant,
            [
                new TextReasoningContent("Another provider's reasoning, unsigned."),
                new TextReasoningContent("Claude's own, signed.") { ProtectedData = "EqQBsig" },
                new TextContent("Sunny."),
            ]),
            new(ChatRole.User, "Thanks."),
        ];

        await client.GetResponseAsync(history);

        var assistant = server.Requests.Single().Json.GetProperty("messages")[1];
        var expected = """[{"type":"thinking","thinking":"Claude's own, signed.","signature":"EqQBsig"},{"type":"text","text":"Sunny."}]""";
        await Assert.That(SameJson(assistant.GetProperty("content"), expected)).IsTrue().Because(assistant.GetRawText());
    }

    [Test]
    public async Task ReasoningEffortOrAnExplicitBudgetTurnsThinkingOn()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(FinalAnswer), FakeResponse.Json(FinalAnswer), FakeResponse.Json(FinalAnswer), FakeResponse.Json(FinalAnswer));
        using var client = AnthropicChatClientTests.Client(server);

        await client.GetResponseAsync("hi", new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } });
        await client.GetResponseAsync("hi", new ChatOptions
        {
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low },
            MaxOutputTokens = 3000,
            AdditionalProperties = new() { ["thinking_budget_tokens"] = 2000 },
        });
        await client.GetResponseAsync("hi", new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } });
        await client.GetResponseAsync("hi");

        var bodies = server.Requests.Select(r => r.Json).ToList();
        await Assert.That(bodies[0].GetProperty("thinking").GetRawText()).IsEqualTo("""{"type":"enabled","budget_tokens":16384}""");
        await Assert.That(bodies[0].GetProperty("max_tokens").GetInt32()).IsEqualTo(1024 + 16384);
        await Assert.That(bodies[1].GetProperty("thinking").GetRawText()).IsEqualTo("""{"type":"enabled","budget_tokens":2000}""");
        await Assert.That(bodies[1].GetProperty("max_tokens").GetInt32()).IsEqualTo(3000);
        await Assert.That(bodies[2].TryGetProperty("thinking", out _)).IsFalse();
        await Assert.That(bodies[3].TryGetProperty("thinking", out _)).IsFalse();
        await Assert.That(bodies[3].GetProperty("max_tokens").GetInt32()).IsEqualTo(1024);
    }

    [Test]
    public async Task AThinkingBudgetTheApiWouldRejectIsAClearErrorBeforeAnyRequest()
    {
        await using var server = await FakeServer.StartAsync();
        using var client = AnthropicChatClientTests.Client(server);

        var tooSmall = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { ["thinking_budget_tokens"] = 500 } }));
        var noRoom = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", new ChatOptions
        {
            MaxOutputTokens = 2000,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium },
        }));
        var notANumber = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { ["thinking_budget_tokens"] = "lots" } }));

        await Assert.That(tooSmall!.Message).StartsWith("ChatOptions.AdditionalProperties[\"thinking_budget_tokens\"] is 500, but Anthropic's thinking budget must be at least 1024 tokens");
        await Assert.That(noRoom!.Message).StartsWith("ChatOptions.MaxOutputTokens (2000) must be larger than the thinking budget (4096 tokens)");
        await Assert.That(notANumber!.Message).StartsWith("ChatOptions.AdditionalProperties[\"thinking_budget_tokens\"] must be a whole number of tokens");
        await Assert.That(server.Requests.Count).IsEqualTo(0);
    }

    [Test]
    public async Task ASignedThinkingBlockWithoutDisplayedTextGoesBackAsThinkingNotRedacted()
    {
        // Thinking that is not displayed comes as a thinking block with empty text and its signature (streamed: the
        // block start and one signature_delta). Both, also after a JSON round trip as a checkpoint makes, go back as
        // that thinking block; a redacted_thinking block stays redacted.
        const string Hidden = """{"type":"thinking","thinking":"","signature":"EqQBhidden"}""";
        var json = FakeResponse.Json($$$"""
            {"id":"msg_h","type":"message","role":"assistant","model":"claude-test-1",
             "content":[{{{Hidden}}},{{{RedactedBlock}}},{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Bergen"}}],
             "stop_reason":"tool_use","usage":{"input_tokens":90,"output_tokens":60}}
            """);
        var streamed = FakeResponse.Sse(StreamedThinkingToolAnswer().Where(e => !e.ToWire().Contains("thinking_delta", StringComparison.Ordinal))
            .Select(e => e.ToWire().Contains("signature_delta", StringComparison.Ordinal)
                ? SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBhidden"}}""")
                : e));
        await using var server = await FakeServer.StartAsync(json, FakeResponse.Json(FinalAnswer), streamed, FakeResponse.Json(FinalAnswer));
        using var client = AnthropicChatClientTests.Client(server);

        foreach (var (streaming, call) in new[] { (false, "toolu_01"), (true, "toolu_02") })
        {
            var response = streaming
                ? (await CollectAsync(client.GetStreamingResponseAsync("Weather in Bergen?", WeatherOptions()))).ToChatResponse()
                : await client.GetResponseAsync("Weather in Bergen?", WeatherOptions());
            var checkpointed = JsonSerializer.Deserialize<List<ChatMessage>>(JsonSerializer.Serialize(response.Messages, AIJsonUtilities.DefaultOptions), AIJsonUtilities.DefaultOptions)!;
            List<ChatMessage> history = [new(ChatRole.User, "Weather in Bergen?"), .. checkpointed, new(ChatRole.Tool, [new FunctionResultContent(call, "Bergen: sunny, 21 C")])];
            await client.GetResponseAsync(history, WeatherOptions());
        }

        foreach (var (request, call) in new[] { (server.Requests[1], "toolu_01"), (server.Requests[3], "toolu_02") })
        {
            var assistant = request.Json.GetProperty("messages")[1];
            var expected = $$$"""[{{{Hidden}}},{{{RedactedBlock}}},{"type":"tool_use","id":"{{{call}}}","name":"get_weather","input":{"city":"Bergen"}}]""";
            await Assert.That(SameJson(assistant.GetProperty("content"), expected)).IsTrue().Because(assistant.GetRawText());
        }
    }

    [Test]
    public async Task OptionsThinkingCannotBeCombinedWithAreRefusedBeforeAnyRequest()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(FinalAnswer));
        using var client = AnthropicChatClientTests.Client(server);
        var thinking = new ReasoningOptions { Effort = ReasoningEffort.Low };

        var temperature = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", new ChatOptions { Reasoning = thinking, Temperature = 0.7f }));
        var topK = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { ["thinking_budget_tokens"] = 2048 }, TopK = 40 }));
        var topP = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", new ChatOptions { Reasoning = thinking, TopP = 0.9f }));
        var forced = WeatherOptions();
        forced.Reasoning = thinking;
        forced.ToolMode = ChatToolMode.RequireAny;
        var tool = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", forced));

        await Assert.That(temperature!.Message).Contains("cannot be combined with ChatOptions.Temperature (0.7): remove it");
        await Assert.That(topK!.Message).Contains("cannot be combined with ChatOptions.TopK (40)");
        await Assert.That(topP!.Message).Contains("ChatOptions.TopP below 0.95 (0.9)");
        await Assert.That(tool!.Message).Contains("forced tool use");
        await Assert.That(server.Requests.Count).IsEqualTo(0);

        // What thinking allows still goes out: temperature 1, top_p 0.95, automatic tool choice.
        var allowed = WeatherOptions();
        allowed.Reasoning = thinking;
        allowed.Temperature = 1f;
        allowed.TopP = 0.95f;
        await client.GetResponseAsync("hi", allowed);
        await Assert.That(server.Requests.Single().Json.GetProperty("thinking").GetProperty("budget_tokens").GetInt32()).IsEqualTo(1024);
    }
}

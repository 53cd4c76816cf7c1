using System.Text.Json;
using FiniteMemory.Backends;
using FiniteMemory.Http.Cohere;
using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Http.Tests.Support.Conversations;

namespace FiniteMemory.Http.Tests.Cohere;

public class CohereChatClientTests
{
    private const string TextAnswer = """
        {"id":"c-1","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":"Rain tomorrow."}]},
         "usage":{"billed_units":{"input_tokens":41,"output_tokens":4},"tokens":{"input_tokens":55,"output_tokens":6},"cached_tokens":12}}
        """;

    private const string CallAnswer = """
        {"id":"c-2","finish_reason":"TOOL_CALL","message":{"role":"assistant","tool_plan":"I will look up Bergen.",
         "tool_calls":[{"id":"get_weather_x1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Bergen\"}"}}]},
         "usage":{"billed_units":{"input_tokens":30,"output_tokens":9},"tokens":{"input_tokens":44,"output_tokens":9}}}
        """;

    private static CohereChatClient Client(FakeServer server) => new(new CohereChatClientOptions
    {
        Model = "command-test",
        Endpoint = server.BaseAddress,
        ApiKey = Key,
        Timeout = TimeSpan.FromSeconds(60), // only a hang guard: no test here waits for it
        MaxRetries = 2,
        RetryDelay = QuickRetry,
    });

    private static IEnumerable<SseEvent> StreamedAnswer(bool end = true)
    {
        yield return SseEvent.Named("message-start", """{"id":"c-s","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}""");
        yield return SseEvent.Named("tool-plan-delta", """{"type":"tool-plan-delta","delta":{"message":{"tool_plan":"Look up Bergen."}}}""");
        yield return SseEvent.Named("tool-call-start", """{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"tc_1","type":"function","function":{"name":"get_weather","arguments":""}}}}}""");
        yield return SseEvent.Named("tool-call-delta", """{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"{\"city\":"}}}}}""");
        yield return SseEvent.Named("tool-call-delta", """{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":" \"Bergen\"}"}}}}}""");
        yield return SseEvent.Named("tool-call-end", """{"type":"tool-call-end","index":0}""");
        yield return SseEvent.Named("content-start", """{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}""");
        yield return SseEvent.Named("content-delta", """{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Checking "}}}}""");
        yield return SseEvent.Named("content-delta", """{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"now."}}}}""");
        yield return SseEvent.Named("content-end", """{"type":"content-end","index":0}""");
        if (end)
        {
            yield return SseEvent.Named("message-end", """{"type":"message-end","delta":{"finish_reason":"TOOL_CALL","usage":{"billed_units":{"input_tokens":20,"output_tokens":11},"tokens":{"input_tokens":31,"output_tokens":11}}}}""");
        }
    }

    [Test]
    public async Task TheRequestUsesFourRolesToolCallsWithTheirIdsToolsAndOptions()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        await client.GetResponseAsync(WithToolRoundTrip(), AllOptions());

        var request = server.Requests.Single();
        await Assert.That(request.Path).IsEqualTo("/v2/chat");
        await Assert.That(request.Header("Authorization")).IsEqualTo($"Bearer {Key}");
        var expected = """
            {"model":"command-test","messages":[
               {"role":"system","content":"You are terse."},
               {"role":"user","content":"Weather in Oslo?"},
               {"role":"assistant","tool_plan":"Checking.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
               {"role":"tool","content":"Sunny, 21 C","tool_call_id":"call_1"},
               {"role":"user","content":"Thanks. And tomorrow?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"The current weather in a city.","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "temperature":0.25,"max_tokens":300,"stop_sequences":["END"],"p":0.8999999761581421,"k":40}
            """;
        await Assert.That(JsonElement.DeepEquals(request.Json, JsonDocument.Parse(expected).RootElement)).IsTrue().Because(request.Body);
    }

    [Test]
    public async Task ToolModesBecomeToolChoice()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer), FakeResponse.Json(TextAnswer));
        using var client = Client(server);
        var other = AIFunctionFactory.CreateDeclaration("other", null, WeatherTool.JsonSchema);

        await client.GetResponseAsync("hi", new ChatOptions { Tools = [WeatherTool, other], ToolMode = ChatToolMode.RequireSpecific("other") });
        await client.GetResponseAsync("hi", new ChatOptions { Tools = [WeatherTool], ToolMode = ChatToolMode.None });

        var first = server.Requests[0].Json;
        await Assert.That(first.GetProperty("tool_choice").GetString()).IsEqualTo("REQUIRED");
        await Assert.That(first.GetProperty("tools").GetArrayLength()).IsEqualTo(1);
        await Assert.That(first.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString()).IsEqualTo("other");
        await Assert.That(server.Requests[1].Json.GetProperty("tool_choice").GetString()).IsEqualTo("NONE");
    }

    [Test]
    public async Task AJsonResponseFormatBecomesAJsonObjectFormatWithItsSchema()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        await client.GetResponseAsync("hi", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(WeatherTool.JsonSchema, "weather") });

        await Assert.That(server.Requests[0].Json.GetProperty("response_format").GetRawText())
            .IsEqualTo("""{"type":"json_object","json_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""");
    }

    [Test]
    public async Task AResponseMapsTextToolPlanToolCallsFinishReasonAndUsage()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer), FakeResponse.Json(CallAnswer));
        using var client = Client(server);

        var text = await client.GetResponseAsync("Weather tomorrow?");
        var call = await client.GetResponseAsync("Weather in Bergen?");

        await Assert.That(text.Text).IsEqualTo("Rain tomorrow.");
        await Assert.That(text.ResponseId).IsEqualTo("c-1");
        await Assert.That(text.FinishReason).IsEqualTo(ChatFinishReason.Stop);
        await Assert.That(text.Usage!.InputTokenCount).IsEqualTo(55);
        await Assert.That(text.Usage.OutputTokenCount).IsEqualTo(6);
        await Assert.That(text.Usage.CachedInputTokenCount).IsEqualTo(12);
        await Assert.That(text.Usage.AdditionalCounts!["billed_input_tokens"]).IsEqualTo(41);

        await Assert.That(call.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        var contents = call.Messages.Single().Contents;
        await Assert.That(contents.OfType<TextReasoningContent>().Single().Text).IsEqualTo("I will look up Bergen.");
        var function = contents.OfType<FunctionCallContent>().Single();
        await Assert.That(function.CallId).IsEqualTo("get_weather_x1");
        await Assert.That(((JsonElement)function.Arguments!["city"]!).GetString()).IsEqualTo("Bergen");
    }

    [Test]
    public async Task AGenerationThatEndedInErrorIsAnErrorNotAnAnswer()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer.Replace("\"COMPLETE\"", "\"ERROR\"", StringComparison.Ordinal)));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Weather tomorrow?"));

        await Assert.That(error!.Message).Contains("finish_reason ERROR");
    }

    [Test]
    public async Task AStreamMapsContentToolCallDeltasFinishReasonAndUsage()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(StreamedAnswer()));
        using var client = Client(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync("Weather in Bergen?", new ChatOptions { Tools = [WeatherTool] }));
        var response = updates.ToChatResponse();

        await Assert.That(server.Requests.Single().Json.GetProperty("stream").GetBoolean()).IsTrue();
        await Assert.That(response.Text).IsEqualTo("Checking now.");
        await Assert.That(response.ResponseId).IsEqualTo("c-s");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        await Assert.That(contents.OfType<TextReasoningContent>().Single().Text).IsEqualTo("Look up Bergen.");
        var function = contents.OfType<FunctionCallContent>().Single();
        await Assert.That(function.CallId).IsEqualTo("tc_1");
        await Assert.That(((JsonElement)function.Arguments!["city"]!).GetString()).IsEqualTo("Bergen");
        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(31);
        await Assert.That(response.Usage.OutputTokenCount).IsEqualTo(11);
    }

    [Test]
    public async Task AToolCallRoundTripsAsAToolMessage()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(CallAnswer), FakeResponse.Json(TextAnswer));
        using var client = new ChatClientBuilder(Client(server)).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Weather in Bergen?", new ChatOptions { Tools = [AIFunctionFactory.Create(Weather, "get_weather")] });

        await Assert.That(response.Messages[^1].Text).IsEqualTo("Rain tomorrow.");
        var messages = server.Requests[1].Json.GetProperty("messages");
        await Assert.That(messages.GetArrayLength()).IsEqualTo(3);
        await Assert.That(messages[1].GetProperty("tool_plan").GetString()).IsEqualTo("I will look up Bergen.");
        await Assert.That(messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString()).IsEqualTo("get_weather_x1");
        await Assert.That(messages[2].GetRawText()).IsEqualTo("""{"role":"tool","content":"Bergen: sunny, 21 C","tool_call_id":"get_weather_x1"}""");
    }

    [Test]
    public async Task AStreamWithoutMessageEndIsAnError()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(StreamedAnswer(end: false)));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendStreamException>(() => CollectAsync(client.GetStreamingResponseAsync("hi")));

        await Assert.That(error!.Message).IsEqualTo("Cohere's stream ended before its 'message-end' event: the response is incomplete. Retry the request.");
    }

    [Test]
    public async Task AStreamCutMidEventIsAnError()
    {
        var cut = FakeResponse.Sse(StreamedAnswer().Take(3)).Chunk("event: tool-call-delta\ndata: {\"type\":\"tool-").ThenCut();
        await using var server = await FakeServer.StartAsync(cut);
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendStreamException>(() => CollectAsync(client.GetStreamingResponseAsync("hi")));

        await Assert.That(error!.Message).StartsWith("Cohere's stream broke before it finished:");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task A401QuotesCohereAndNamesBothVariablesWithoutTheKey()
    {
        var body = $$$"""{"message":"invalid api token {{{Key}}}"}""";
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(body, 401));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("hi"));

        await Assert.That(error!.Message).IsEqualTo("Cohere returned 401 Unauthorized: invalid api token [redacted]. Check CO_API_KEY or COHERE_API_KEY.");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task A429WithRetryAfterIsRetried()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json("""{"message":"You are using a Trial key, which is limited"}""", 429).WithHeader("Retry-After", "0"),
            FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        var response = await client.GetResponseAsync("hi");

        await Assert.That(response.Text).IsEqualTo("Rain tomorrow.");
        await Assert.That(server.Requests.Count).IsEqualTo(2);
    }

    [Test]
    public async Task MalformedJsonIsAClearError()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("not json at all"));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("hi"));

        await Assert.That(error!.Message).StartsWith("Cohere returned a response that is not valid JSON: ");
    }

    [Test]
    public async Task TheRegisteredBackendReportsItsMetadataAndNeedsAModel()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
        using var client = ChatBackends.Create("cohere", new BackendSettings { Model = "command-test", Endpoint = server.BaseAddress, ApiKey = Key });

        await client.GetResponseAsync("hi");

        await Assert.That(server.Requests.Single().Path).IsEqualTo("/v2/chat");
        var metadata = client.GetService<ChatClientMetadata>()!;
        await Assert.That(metadata.ProviderName).IsEqualTo("cohere");
        await Assert.That(metadata.ProviderUri).IsEqualTo(server.BaseAddress);
        var error = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("cohere", new BackendSettings { ApiKey = Key }));
        await Assert.That(error!.Message).Contains("Backend 'cohere' needs a model");
        var unknown = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("cohere", new BackendSettings { Model = "m", ApiKey = Key, Options = new Dictionary<string, string> { ["max-tokens"] = "5" } }));
        await Assert.That(unknown!.Message).Contains("has no option 'max-tokens'");
    }
}

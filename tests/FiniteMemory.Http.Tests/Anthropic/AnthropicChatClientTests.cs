using System.Text.Json;
using FiniteMemory.Backends;
using FiniteMemory.Http.Anthropic;
using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Http.Tests.Support.Conversations;

namespace FiniteMemory.Http.Tests.Anthropic;

public class AnthropicChatClientTests
{
    private const string TextAnswer = """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-test-1","content":[{"type":"text","text":"Rain tomorrow."}],
         "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":50,"output_tokens":4,"cache_creation_input_tokens":10,"cache_read_input_tokens":30}}
        """;

    private const string ToolAnswer = """
        {"id":"msg_02","type":"message","role":"assistant","model":"claude-test-1","content":[{"type":"text","text":"Let me check."},
         {"type":"tool_use","id":"toolu_9","name":"get_weather","input":{"city":"Bergen","days":2}}],
         "stop_reason":"tool_use","usage":{"input_tokens":80,"output_tokens":20}}
        """;

    /// <summary>Turns a hang into a failure; nothing here waits on it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    /// <summary>A client of the fake; the default timeout (60 s) is only a hang guard, and <paramref name="time"/> is the clock its timeouts run on.</summary>
    internal static AnthropicChatClient Client(FakeServer server, TimeSpan? timeout = null, int maxRetries = 2, TimeProvider? time = null) => new(
        new AnthropicChatClientOptions
        {
            Model = "claude-test-1",
            Endpoint = server.BaseAddress,
            ApiKey = Key,
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
            MaxRetries = maxRetries,
            RetryDelay = QuickRetry,
        },
        handler: null,
        time ?? TimeProvider.System);

    internal static IEnumerable<SseEvent> StreamedAnswer(bool stop = true)
    {
        yield return SseEvent.Named("message_start", """{"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","model":"claude-test-1","content":[],"stop_reason":null,"usage":{"input_tokens":120,"output_tokens":1,"cache_read_input_tokens":100}}}""");
        yield return SseEvent.Named("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        yield return SseEvent.Named("ping", """{"type": "ping"}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking "}}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bergen."}}""");
        yield return SseEvent.Named("content_block_stop", """{"type":"content_block_stop","index":0}""");
        yield return SseEvent.Named("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_7","name":"get_weather","input":{}}}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Ber"}}""");
        yield return SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"gen\"}"}}""");
        yield return SseEvent.Named("content_block_stop", """{"type":"content_block_stop","index":1}""");
        yield return SseEvent.Named("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":33}}""");
        if (stop)
        {
            yield return SseEvent.Named("message_stop", """{"type":"message_stop"}""");
        }
    }

    [Test]
    public async Task TheRequestPutsSystemOnTopMergesToolResultsIntoAUserTurnAndCarriesToolsAndOptions()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        await client.GetResponseAsync(WithToolRoundTrip(), AllOptions());

        var request = server.Requests.Single();
        await Assert.That(request.Method).IsEqualTo("POST");
        await Assert.That(request.Path).IsEqualTo("/v1/messages");
        await Assert.That(request.Header("x-api-key")).IsEqualTo(Key);
        await Assert.That(request.Header("anthropic-version")).IsEqualTo("2023-06-01");
        await Assert.That(request.Header("Content-Type")).IsEqualTo("application/json; charset=utf-8");
        await Assert.That(request.Header("Authorization")).IsNull();

        var expected = """
            {"model":"claude-test-1","max_tokens":300,"system":"You are terse.",
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather in Oslo?"}]},
               {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"Sunny, 21 C"},{"type":"text","text":"Thanks. And tomorrow?"}]}],
             "temperature":0.25,"top_p":0.8999999761581421,"top_k":40,"stop_sequences":["END"],
             "tools":[{"name":"get_weather","description":"The current weather in a city.","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}
            """;
        await Assert.That(JsonElement.DeepEquals(request.Json, JsonDocument.Parse(expected).RootElement)).IsTrue().Because(request.Body);
    }

    [Test]
    public async Task MaxTokensDefaultsToTheSettingAndToolModesBecomeToolChoice()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer), FakeResponse.Json(TextAnswer), FakeResponse.Json(TextAnswer));
        using var client = Client(server);
        List<ChatMessage> hello = [new(ChatRole.User, "hi")];

        await client.GetResponseAsync(hello, new ChatOptions { Tools = [WeatherTool], ToolMode = ChatToolMode.RequireSpecific("get_weather"), AllowMultipleToolCalls = false });
        await client.GetResponseAsync(hello, new ChatOptions { Tools = [WeatherTool], ToolMode = ChatToolMode.RequireAny, Instructions = "Be brief." });
        await client.GetResponseAsync(hello, new ChatOptions { Tools = [WeatherTool], ToolMode = ChatToolMode.None });

        var bodies = server.Requests.Select(r => r.Json).ToList();
        await Assert.That(bodies[0].GetProperty("max_tokens").GetInt32()).IsEqualTo(1024);
        await Assert.That(bodies[0].GetProperty("tool_choice").GetRawText()).IsEqualTo("""{"type":"tool","name":"get_weather","disable_parallel_tool_use":true}""");
        await Assert.That(bodies[0].TryGetProperty("system", out _)).IsFalse();
        await Assert.That(bodies[1].GetProperty("tool_choice").GetRawText()).IsEqualTo("""{"type":"any"}""");
        await Assert.That(bodies[1].GetProperty("system").GetString()).IsEqualTo("Be brief.");
        await Assert.That(bodies[2].TryGetProperty("tools", out _)).IsFalse();
    }

    [Test]
    public async Task AResponseMapsTextToolCallsFinishReasonAndUsageWithCacheReads()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer), FakeResponse.Json(ToolAnswer));
        using var client = Client(server);

        var text = await client.GetResponseAsync("Weather tomorrow?");
        var tool = await client.GetResponseAsync("Weather in Bergen?");

        await Assert.That(text.Text).IsEqualTo("Rain tomorrow.");
        await Assert.That(text.ResponseId).IsEqualTo("msg_01");
        await Assert.That(text.ModelId).IsEqualTo("claude-test-1");
        await Assert.That(text.FinishReason).IsEqualTo(ChatFinishReason.Stop);
        await Assert.That(text.Usage!.InputTokenCount).IsEqualTo(90);
        await Assert.That(text.Usage.CachedInputTokenCount).IsEqualTo(30);
        await Assert.That(text.Usage.OutputTokenCount).IsEqualTo(4);
        await Assert.That(text.Usage.TotalTokenCount).IsEqualTo(94);
        await Assert.That(text.Usage.AdditionalCounts!["cache_creation_input_tokens"]).IsEqualTo(10);

        await Assert.That(tool.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        var call = tool.Messages.Single().Contents.OfType<FunctionCallContent>().Single();
        await Assert.That(call.CallId).IsEqualTo("toolu_9");
        await Assert.That(call.Name).IsEqualTo("get_weather");
        await Assert.That(((JsonElement)call.Arguments!["city"]!).GetString()).IsEqualTo("Bergen");
        await Assert.That(((JsonElement)call.Arguments["days"]!).GetInt32()).IsEqualTo(2);
        await Assert.That(tool.Text).IsEqualTo("Let me check.");
    }

    [Test]
    public async Task AStreamMapsTextDeltasToolInputDeltasStopReasonAndUsage()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(StreamedAnswer()));
        using var client = Client(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(WithToolRoundTrip(), new ChatOptions { Tools = [WeatherTool] }));
        var response = updates.ToChatResponse();

        var request = server.Requests.Single();
        await Assert.That(request.Json.GetProperty("stream").GetBoolean()).IsTrue();
        await Assert.That(request.Header("Accept")).IsEqualTo("text/event-stream");
        await Assert.That(updates.Count(u => u.Text.Length > 0)).IsEqualTo(2);
        await Assert.That(response.Text).IsEqualTo("Checking Bergen.");
        await Assert.That(response.ResponseId).IsEqualTo("msg_s");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        await Assert.That(call.CallId).IsEqualTo("toolu_7");
        await Assert.That(((JsonElement)call.Arguments!["city"]!).GetString()).IsEqualTo("Bergen");
        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(220);
        await Assert.That(response.Usage.CachedInputTokenCount).IsEqualTo(100);
        await Assert.That(response.Usage.OutputTokenCount).IsEqualTo(33);
    }

    [Test]
    public async Task AToolCallRoundTripsThroughFunctionInvocation()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(ToolAnswer), FakeResponse.Json(TextAnswer));
        using var client = new ChatClientBuilder(Client(server)).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Weather in Bergen?", new ChatOptions { Tools = [AIFunctionFactory.Create(Weather, "get_weather")] });

        await Assert.That(response.Messages[^1].Text).IsEqualTo("Rain tomorrow.");
        var second = server.Requests[1].Json.GetProperty("messages");
        await Assert.That(second.GetArrayLength()).IsEqualTo(3);
        await Assert.That(second[1].GetProperty("content")[1].GetProperty("type").GetString()).IsEqualTo("tool_use");
        var result = second[2].GetProperty("content")[0];
        await Assert.That(result.GetProperty("type").GetString()).IsEqualTo("tool_result");
        await Assert.That(result.GetProperty("tool_use_id").GetString()).IsEqualTo("toolu_9");
        await Assert.That(result.GetProperty("content").GetString()).IsEqualTo("Bergen: sunny, 21 C");
    }

    [Test]
    public async Task AStreamThatEndsBeforeMessageStopIsAnError()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(StreamedAnswer(stop: false)));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendStreamException>(() => CollectAsync(client.GetStreamingResponseAsync("hi")));

        await Assert.That(error!.Message).IsEqualTo("Anthropic's stream ended before its 'message_stop' event: the response is incomplete. Retry the request.");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task AStreamCutMidEventIsAnErrorAndIsNotRetried()
    {
        var cut = FakeResponse.Sse(StreamedAnswer().Take(4)).Chunk("event: content_block_delta\ndata: {\"type\":\"content_bl").ThenCut();
        await using var server = await FakeServer.StartAsync(cut, FakeResponse.Json(TextAnswer));
        using var client = Client(server);
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi"))
            {
                seen.Add(update.Text);
            }
        });

        await Assert.That(error!.Message).StartsWith("Anthropic's stream broke before it finished:");
        await Assert.That(string.Concat(seen)).IsEqualTo("Checking ");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task AnErrorEventMidStreamSurfacesWithTheProvidersMessage()
    {
        var events = StreamedAnswer().Take(4).Append(SseEvent.Named("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(events));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendStreamException>(() => CollectAsync(client.GetStreamingResponseAsync("hi")));

        await Assert.That(error!.Message).IsEqualTo("Anthropic sent an error mid-stream (overloaded_error): Overloaded The response is incomplete.");
    }

    [Test]
    public async Task A401IsNotRetriedAndSaysWhatToCheckWithoutTheKey()
    {
        var body = $$$"""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key: {{{Key}}}"}}""";
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(body, 401).WithHeader("request-id", "req_42"), FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("hi"));

        await Assert.That(error!.Message).IsEqualTo("Anthropic returned 401 Unauthorized: invalid x-api-key: [redacted]. Check ANTHROPIC_API_KEY. (request id req_42)");
        await Assert.That(error.StatusCode).IsEqualTo(401);
        await Assert.That(error.ToString()).DoesNotContain(Key);
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task A503IsRetriedWithTheSameBody()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json("""{"type":"error","error":{"type":"api_error","message":"Internal"}}""", 503),
            FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        var response = await client.GetResponseAsync("hi");

        await Assert.That(response.Text).IsEqualTo("Rain tomorrow.");
        await Assert.That(server.Requests.Count).IsEqualTo(2);
        await Assert.That(server.Requests[1].Body).IsEqualTo(server.Requests[0].Body);
    }

    [Test]
    public async Task TheTimeoutSettingBoundsEachAttemptAndNamesItselfWhenItRunsOut()
    {
        // The server never answers: only the timeout can end the call, however late a busy machine fires it.
        await using var server = await FakeServer.StartAsync(FakeResponse.Hang());
        using var client = Client(server, timeout: TimeSpan.FromSeconds(0.5), maxRetries: 0);

        var error = await Assert.ThrowsAsync<BackendTimeoutException>(() => client.GetResponseAsync("hi"));

        await Assert.That(error!.Message).IsEqualTo("Anthropic did not answer within 0.5 s (1 attempt). Raise the timeout (BackendSettings.Timeout) setting, or check that the endpoint is reachable.");
    }

    [Test]
    public async Task AStreamLongerThanTheAttemptTimeoutIsNotCutOnceItHasStarted()
    {
        // The timeouts (3 s) run on a fake clock. The server sends up to the first text at once, then the next event
        // and the rest each only when the test opens a gate; before opening one, with the client waiting for an
        // event, the test moves the clock 2 s. No silence reaches 3 s, but the stream outlasts an attempt timeout
        // started with the request, which would have cut it at the second step.
        var clock = new ObservedTimeProvider();
        var timeout = TimeSpan.FromSeconds(3);
        var step = TimeSpan.FromSeconds(2);
        var events = StreamedAnswer().ToArray();
        TaskCompletionSource[] gates = [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];
        var script = FakeResponse.Sse(events.Take(4)).Chunk(events[4].ToWire(), gates[0].Task);
        foreach (var e in events.Skip(5))
        {
            script.Chunk(e.ToWire(), gates[1].Task);
        }

        await using var server = await FakeServer.StartAsync(script);
        using var client = Client(server, timeout: timeout, maxRetries: 0, time: clock);
        var updates = new List<ChatResponseUpdate>();
        var stream = client.GetStreamingResponseAsync("hi").GetAsyncEnumerator();
        await using (stream)
        {
            await Assert.That(await stream.MoveNextAsync().AsTask().WaitAsync(HangGuard)).IsTrue();
            updates.Add(stream.Current);
            foreach (var gate in gates)
            {
                var next = stream.MoveNextAsync().AsTask();
                clock.Advance(step);
                gate.SetResult();
                await Assert.That(await next.WaitAsync(HangGuard)).IsTrue();
                updates.Add(stream.Current);
            }

            while (await stream.MoveNextAsync().AsTask().WaitAsync(HangGuard))
            {
                updates.Add(stream.Current);
            }
        }

        var response = updates.ToChatResponse();
        await Assert.That(step * gates.Length).IsGreaterThan(timeout);
        await Assert.That(response.Text).IsEqualTo("Checking Bergen.");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        await Assert.That(await server.FateOf(0).WaitAsync(HangGuard)).IsEqualTo(new ResponseFate(Delivered: true, ChunksWritten: events.Length));
    }

    [Test]
    public async Task AStreamThatStallsLongerThanTheTimeoutIsAnErrorNotAHang()
    {
        // Four events, then the fifth never. The timeout runs on a fake clock that moves only once the client waits
        // for that fifth event, so neither connecting nor the first four events can use it up on a busy machine; it
        // is longer than the hang guard, so only that clock can end the wait.
        var clock = new ObservedTimeProvider();
        var stalled = FakeResponse.Sse(StreamedAnswer().Take(4)).Chunk(StreamedAnswer().ElementAt(4).ToWire(), FakeResponse.Never);
        await using var server = await FakeServer.StartAsync(stalled);
        using var client = Client(server, timeout: TimeSpan.FromMinutes(5), maxRetries: 0, time: clock);
        BackendStreamException? error;
        var stream = client.GetStreamingResponseAsync("hi").GetAsyncEnumerator();
        await using (stream)
        {
            await Assert.That(await stream.MoveNextAsync().AsTask().WaitAsync(HangGuard)).IsTrue();
            await Assert.That(stream.Current.Text).IsEqualTo("Checking ");

            var next = stream.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromMinutes(5));
            error = await Assert.ThrowsAsync<BackendStreamException>(() => next.WaitAsync(HangGuard));
        }

        await Assert.That(error!.Message).IsEqualTo("Anthropic's stream stalled: no event arrived for 300 s and the response is incomplete. Retry the request, or raise the timeout (BackendSettings.Timeout) setting.");
        await Assert.That(await server.FateOf(0).WaitAsync(HangGuard)).IsEqualTo(new ResponseFate(Delivered: false, ChunksWritten: 4));
    }

    [Test]
    public async Task MalformedJsonIsAClearError()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("""{"id":"msg_01","content":[{"type":"text","te"""));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("hi"));

        await Assert.That(error!.Message).StartsWith("Anthropic returned a response that is not valid JSON: ");
        await Assert.That(error.InnerException).IsTypeOf<JsonException>();
    }

    [Test]
    public async Task CancellingMidStreamStopsPromptlyWithoutARetry()
    {
        // The first text arrives at once and the later events never: the server waits until the client hangs up, so
        // its four chunks written show that the cancellation itself ended the request.
        var slow = FakeResponse.Sse(StreamedAnswer().Take(4));
        foreach (var rest in StreamedAnswer().Skip(4))
        {
            slow.Chunk(rest.ToWire(), FakeResponse.Never);
        }

        await using var server = await FakeServer.StartAsync(slow);
        using var client = Client(server);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token))
            {
                if (update.Text.Length > 0)
                {
                    await cts.CancelAsync();
                }
            }
        });

        await Assert.That(await server.FateOf(0).WaitAsync(HangGuard)).IsEqualTo(new ResponseFate(Delivered: false, ChunksWritten: 4));
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task TheRegisteredBackendBindsItsOptionsAndReportsItsMetadata()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
        using var client = ChatBackends.Create("anthropic", new BackendSettings
        {
            Model = "claude-test-1",
            Endpoint = new Uri(server.BaseAddress, "proxy/"),
            ApiKey = Key,
            Options = new Dictionary<string, string> { ["max-tokens"] = "77", ["anthropic_version"] = "2099-01-01", ["max-retries"] = "0" },
        });

        await client.GetResponseAsync("hi");

        var metadata = client.GetService<ChatClientMetadata>()!;
        await Assert.That(metadata.ProviderName).IsEqualTo("anthropic");
        await Assert.That(metadata.DefaultModelId).IsEqualTo("claude-test-1");
        await Assert.That(metadata.ProviderUri).IsEqualTo(new Uri(server.BaseAddress, "proxy/"));
        var request = server.Requests.Single();
        await Assert.That(request.Path).IsEqualTo("/proxy/v1/messages");
        await Assert.That(request.Json.GetProperty("max_tokens").GetInt32()).IsEqualTo(77);
        await Assert.That(request.Header("anthropic-version")).IsEqualTo("2099-01-01");
        await Assert.That(ChatBackends.All.Single(b => b.Name == "anthropic").Description).Contains("Anthropic Messages API");
    }

    [Test]
    public async Task AMissingModelIsAConfigurationErrorNamingTheSetting()
    {
        var error = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("anthropic", new BackendSettings { ApiKey = Key }));

        await Assert.That(error!.Message).IsEqualTo("Backend 'anthropic' needs a model: set BackendSettings.Model (fmem --model), for example claude-sonnet-4-5.");
        await Assert.That(error.Option).IsEqualTo("model");
    }

    [Test]
    [NotInParallel("environment")]
    public async Task AMissingKeyNamesTheVariable()
    {
        var saved = Environment.GetEnvironmentVariable(AnthropicChatClient.ApiKeyVariable);
        try
        {
            Environment.SetEnvironmentVariable(AnthropicChatClient.ApiKeyVariable, null);
            var error = Assert.Throws<BackendConfigurationException>(() => new AnthropicChatClient(new AnthropicChatClientOptions { Model = "m" }).Dispose());
            await Assert.That(error!.Message).IsEqualTo("No API key for Anthropic: set ANTHROPIC_API_KEY (or pass one in BackendSettings.ApiKey / fmem --api-key-env).");

            Environment.SetEnvironmentVariable(AnthropicChatClient.ApiKeyVariable, "from-environment");
            await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
            using var client = new AnthropicChatClient(new AnthropicChatClientOptions { Model = "m", Endpoint = server.BaseAddress });
            await client.GetResponseAsync("hi");
            await Assert.That(server.Requests.Single().Header("x-api-key")).IsEqualTo("from-environment");
        }
        finally
        {
            Environment.SetEnvironmentVariable(AnthropicChatClient.ApiKeyVariable, saved);
        }
    }
}

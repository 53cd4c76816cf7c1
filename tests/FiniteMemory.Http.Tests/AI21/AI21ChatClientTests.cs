using System.Text.Json;
using FiniteMemory.Http.AI21;
using FiniteMemory.Http.Tests.Fakes;
using FiniteMemory.Http.Tests.Support;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.AI21;

/// <summary>The ai21 backend against a loopback server speaking AI21's chat-completions protocol.</summary>
public class AI21ChatClientTests
{
    private static readonly JsonElement WeatherSchema = JsonDocument.Parse(
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement.Clone();

    [Test]
    public async Task ARequestCarriesTheKeyTheModelEveryRoleToolCallsAndOptions()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(AI21Fixture.Completion("Sunny, 24 °C.")));
        using var client = AI21Fixture.Client(server);
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "Weather in Lisbon?"),
            new(ChatRole.Assistant, [new TextContent("Checking."), new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Lisbon" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", """{"temp":24,"sky":"clear"}""")]),
            new(ChatRole.User, "So?"),
        ];
        var options = new ChatOptions
        {
            Temperature = 0.3f,
            MaxOutputTokens = 200,
            TopP = 0.9f,
            StopSequences = ["END"],
            Tools = [AIFunctionFactory.CreateDeclaration("get_weather", "Current weather for a city.", WeatherSchema)],
        };

        var response = await client.GetResponseAsync(conversation, options);

        await Assert.That(response.Text).IsEqualTo("Sunny, 24 °C.");
        var request = server.Requests.Single();
        await Assert.That(request.Method).IsEqualTo("POST");
        await Assert.That(request.Path).IsEqualTo("/studio/v1/chat/completions");
        await Assert.That(request.Header("Authorization")).IsEqualTo($"Bearer {AI21Fixture.Key}");
        var body = request.Json;
        await Assert.That(body.GetProperty("model").GetString()).IsEqualTo("jamba-mini");
        await Assert.That(body.GetProperty("n").GetInt32()).IsEqualTo(1);
        await Assert.That(body.GetProperty("temperature").GetDouble()).IsEqualTo(0.3).Within(1e-6);
        await Assert.That(body.GetProperty("max_tokens").GetInt32()).IsEqualTo(200);
        await Assert.That(body.GetProperty("top_p").GetDouble()).IsEqualTo(0.9).Within(1e-6);
        await Assert.That(body.GetProperty("stop")[0].GetString()).IsEqualTo("END");
        await Assert.That(body.TryGetProperty("stream", out _)).IsFalse();

        var messages = body.GetProperty("messages").EnumerateArray().ToArray();
        await Assert.That(messages.Select(m => m.GetProperty("role").GetString()!)).IsEquivalentTo(new[] { "system", "user", "assistant", "tool", "user" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(messages[0].GetProperty("content").GetString()).IsEqualTo("You are terse.");
        await Assert.That(messages[2].GetProperty("content").GetString()).IsEqualTo("Checking.");
        var call = messages[2].GetProperty("tool_calls")[0];
        await Assert.That(call.GetProperty("id").GetString()).IsEqualTo("call_1");
        await Assert.That(call.GetProperty("type").GetString()).IsEqualTo("function");
        await Assert.That(call.GetProperty("function").GetProperty("name").GetString()).IsEqualTo("get_weather");
        using (var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!))
        {
            await Assert.That(arguments.RootElement.GetProperty("city").GetString()).IsEqualTo("Lisbon");
        }

        await Assert.That(messages[3].GetProperty("tool_call_id").GetString()).IsEqualTo("call_1");
        await Assert.That(messages[3].GetProperty("content").GetString()).IsEqualTo("""{"temp":24,"sky":"clear"}""");
        var tool = body.GetProperty("tools")[0];
        await Assert.That(tool.GetProperty("type").GetString()).IsEqualTo("function");
        await Assert.That(tool.GetProperty("function").GetProperty("name").GetString()).IsEqualTo("get_weather");
        await Assert.That(tool.GetProperty("function").GetProperty("description").GetString()).IsEqualTo("Current weather for a city.");
        await Assert.That(tool.GetProperty("function").GetProperty("parameters").GetProperty("required")[0].GetString()).IsEqualTo("city");
    }

    [Test]
    public async Task AResponseMapsTextToolCallsFinishReasonUsageAndIds()
    {
        const string calls = """[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Porto\"}"}}]""";
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(AI21Fixture.Completion("Let me check.", "tool_calls", calls)));
        using var client = AI21Fixture.Client(server);

        var response = await client.GetResponseAsync("Weather in Porto?");

        await Assert.That(response.Text).IsEqualTo("Let me check.");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        await Assert.That(response.ResponseId).IsEqualTo("chat-3a1f");
        await Assert.That(response.ModelId).IsEqualTo("jamba-mini-1.6-2025-03");
        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(31);
        await Assert.That(response.Usage.OutputTokenCount).IsEqualTo(7);
        await Assert.That(response.Usage.TotalTokenCount).IsEqualTo(38);
        var call = response.Messages.Single().Contents.OfType<FunctionCallContent>().Single();
        await Assert.That(call.CallId).IsEqualTo("call_9");
        await Assert.That(call.Name).IsEqualTo("get_weather");
        await Assert.That(call.Arguments!["city"]!.ToString()).IsEqualTo("Porto");
    }

    [Test]
    public async Task AStreamYieldsTextAsItArrivesThenFinishReasonAndUsage()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(AI21Fixture.Stream(done: true, "Bom ", "dia", "!")));
        using var client = AI21Fixture.Client(server);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Say good morning in Portuguese."))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        await Assert.That(updates.Where(u => u.Text.Length > 0).Select(u => u.Text)).IsEquivalentTo(new[] { "Bom ", "dia", "!" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(response.Text).IsEqualTo("Bom dia!");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.Stop);
        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(12);
        await Assert.That(response.Usage.OutputTokenCount).IsEqualTo(4);
        await Assert.That(response.ResponseId).IsEqualTo("chat-s1");
        var request = server.Requests.Single();
        await Assert.That(request.Json.GetProperty("stream").GetBoolean()).IsTrue();
        await Assert.That(request.Header("Accept")).IsEqualTo("text/event-stream");
    }

    [Test]
    public async Task StreamedToolCallFragmentsBecomeOneCallWithItsWholeArguments()
    {
        SseEvent[] events =
        [
            SseEvent.Unnamed("""{"id":"chat-t","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_5","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"""),
            SseEvent.Unnamed("""{"id":"chat-t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}"""),
            SseEvent.Unnamed("""{"id":"chat-t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Faro\"}"}}]},"finish_reason":null}]}"""),
            SseEvent.Unnamed("""{"id":"chat-t","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49}}"""),
            SseEvent.Unnamed("[DONE]"),
        ];
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(events));
        using var client = AI21Fixture.Client(server);

        var response = (await Conversations.CollectAsync(client.GetStreamingResponseAsync("Weather in Faro?"))).ToChatResponse();

        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        await Assert.That(call.CallId).IsEqualTo("call_5");
        await Assert.That(call.Name).IsEqualTo("get_weather");
        await Assert.That(call.Arguments!["city"]!.ToString()).IsEqualTo("Faro");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        await Assert.That(response.Usage!.TotalTokenCount).IsEqualTo(49);
    }

    [Test]
    public async Task AStreamThatEndsWithoutDoneIsAnIncompleteResponseAfterThePartialText()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(AI21Fixture.Stream(done: false, "Half an ")));
        using var client = AI21Fixture.Client(server);
        var received = new List<string>();

        var error = await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Tell me everything."))
            {
                received.Add(update.Text);
            }
        });

        await Assert.That(string.Concat(received)).IsEqualTo("Half an ");
        await Assert.That(error!.Message).Contains("[DONE]");
        await Assert.That(error.Message).Contains("incomplete");
    }

    [Test]
    public async Task A429WithRetryAfterIsRetriedAndThenSucceeds()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json("""{"detail":"Too many requests"}""", 429).WithHeader("Retry-After", "0"),
            FakeResponse.Json(AI21Fixture.Completion("Second time lucky.")));
        using var client = AI21Fixture.Client(server);

        var response = await client.GetResponseAsync("Hi");

        await Assert.That(response.Text).IsEqualTo("Second time lucky.");
        await Assert.That(server.Requests.Count).IsEqualTo(2);
        await Assert.That(server.Requests[1].Body).IsEqualTo(server.Requests[0].Body);
    }

    [Test]
    public async Task TwoServerErrorsAreRetriedAndThenTheAnswerArrives()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json("""{"detail":"Internal server error"}""", 500),
            FakeResponse.Json("""{"detail":"Internal server error"}""", 500),
            FakeResponse.Json(AI21Fixture.Completion("Third time.")));
        using var client = AI21Fixture.Client(server);

        var response = await client.GetResponseAsync("Hi");

        await Assert.That(response.Text).IsEqualTo("Third time.");
        await Assert.That(server.Requests.Count).IsEqualTo(3);
    }

    [Test]
    public async Task AResponseSlowerThanTheTimeoutIsATimeoutErrorNamingTheSetting()
    {
        // The server never answers: only the timeout can end the call, however late a busy machine fires it.
        await using var server = await FakeServer.StartAsync(FakeResponse.Hang());
        using var client = new AI21ChatClient(new AI21ChatClientOptions { Model = "jamba-mini", Endpoint = server.BaseAddress, ApiKey = AI21Fixture.Key, Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<BackendTimeoutException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(error!.Message).Contains("AI21");
        await Assert.That(error.Message).Contains("timeout");
    }

    [Test]
    public async Task AStreamCutMidEventIsABrokenStreamError()
    {
        var events = AI21Fixture.Stream(done: false, "Cut ");
        var response = FakeResponse.Sse(events).Chunk("data: {\"id\":\"chat-s1\",\"choi").ThenCut();
        await using var server = await FakeServer.StartAsync(response);
        using var client = AI21Fixture.Client(server);
        var received = new List<string>();

        await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi"))
            {
                received.Add(update.Text);
            }
        });

        await Assert.That(string.Concat(received)).IsEqualTo("Cut ");
    }

    [Test]
    public async Task A401IsNotRetriedAndNamesTheKeyVariableButNeverTheKey()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json($$"""{"detail":"Invalid API key {{AI21Fixture.Key}}"}""", 401),
            FakeResponse.Json(AI21Fixture.Completion("must not be reached")));
        using var client = AI21Fixture.Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(server.Requests.Count).IsEqualTo(1);
        await Assert.That(error!.StatusCode).IsEqualTo(401);
        await Assert.That(error.Provider).IsEqualTo("AI21");
        await Assert.That(error.Message).Contains("AI21_API_KEY");
        await Assert.That(error.Message).Contains("Invalid API key");
        await Assert.That(error.Message).DoesNotContain(AI21Fixture.Key);
    }

    [Test]
    public async Task MalformedJsonIsAClearErrorNamingAI21()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Text("""{"id":"chat-x","choices":[{"index":0,"message":""", contentType: "application/json"));
        using var client = AI21Fixture.Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(error!.Message).Contains("AI21");
        await Assert.That(error.Message).Contains("not valid JSON");
    }

    [Test]
    public async Task AStreamedChunkThatIsNotJsonIsAClearStreamError()
    {
        var response = FakeResponse.Sse([.. AI21Fixture.Stream(done: false, "Fine so far"), SseEvent.Unnamed("{\"id\":\"chat-s1\",\"choices\":[{"), SseEvent.Unnamed("[DONE]")]);
        await using var server = await FakeServer.StartAsync(response);
        using var client = AI21Fixture.Client(server);

        var error = await Assert.ThrowsAsync<BackendStreamException>(async () => await Conversations.CollectAsync(client.GetStreamingResponseAsync("Hi")));

        await Assert.That(error!.Message).Contains("not valid JSON");
    }

    [Test]
    public async Task ARejectedStreamingRequestIsAnErrorWithAI21sMessage()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("""{"detail":"model 'jamba-huge' not found"}""", 422));
        using var client = AI21Fixture.Client(server, model: "jamba-huge");

        var error = await Assert.ThrowsAsync<BackendHttpException>(async () => await Conversations.CollectAsync(client.GetStreamingResponseAsync("Hi")));

        await Assert.That(error!.StatusCode).IsEqualTo(422);
        await Assert.That(error.Message).Contains("model 'jamba-huge' not found");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task AResponseWithoutChoicesIsAClearError()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("""{"id":"chat-e","choices":[]}"""));
        using var client = AI21Fixture.Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(error!.Message).Contains("without any choice");
    }

    [Test]
    public async Task CancellingMidStreamEndsTheStreamPromptly()
    {
        var events = AI21Fixture.Stream(done: false, "First words").ToArray();
        var response = FakeResponse.Sse(events).Chunk("data: [DONE]\n\n", FakeResponse.Never);
        await using var server = await FakeServer.StartAsync(response);
        using var client = AI21Fixture.Client(server);
        using var cts = new CancellationTokenSource();
        var received = new List<string>();

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Talk slowly.", cancellationToken: cts.Token))
            {
                received.Add(update.Text);
                if (update.Text.Length > 0)
                {
                    await cts.CancelAsync();
                }
            }
        });

        await Assert.That(string.Concat(received)).IsEqualTo("First words");

        // [DONE] is never sent: the server's wait ends only when the client hangs up, so this fate shows that the
        // cancellation itself ended the request (60 s is only a hang guard).
        await Assert.That(await server.FateOf(0).WaitAsync(TimeSpan.FromSeconds(60))).IsEqualTo(new ResponseFate(Delivered: false, ChunksWritten: events.Length));
    }

    [Test]
    public async Task ChatOptionsModelIdAndInstructionsAreSentAndMetadataNamesTheProvider()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(AI21Fixture.Completion("ok")));
        using var client = AI21Fixture.Client(server, model: "jamba-mini");

        await client.GetResponseAsync("Hi", new ChatOptions { ModelId = "jamba-large", ResponseFormat = ChatResponseFormat.Json, Instructions = "Answer in JSON." });

        var body = server.Requests.Single().Json;
        await Assert.That(body.GetProperty("messages")[0].GetProperty("role").GetString()).IsEqualTo("system");
        await Assert.That(body.GetProperty("messages")[0].GetProperty("content").GetString()).IsEqualTo("Answer in JSON.");
        await Assert.That(body.GetProperty("model").GetString()).IsEqualTo("jamba-large");
        await Assert.That(body.GetProperty("response_format").GetProperty("type").GetString()).IsEqualTo("json_object");
        var metadata = client.GetService<ChatClientMetadata>()!;
        await Assert.That(metadata.ProviderName).IsEqualTo("ai21");
        await Assert.That(metadata.DefaultModelId).IsEqualTo("jamba-mini");
        await Assert.That(metadata.ProviderUri).IsEqualTo(server.BaseAddress);
    }

    [Test]
    public async Task AnEndpointWithAPathKeepsItsPath()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(AI21Fixture.Completion("ok")));
        using var client = AI21Fixture.Client(server, endpoint: new Uri(server.BaseAddress, "proxy/ai21"));

        await client.GetResponseAsync("Hi");

        await Assert.That(server.Requests.Single().Path).IsEqualTo("/proxy/ai21/studio/v1/chat/completions");
    }
}

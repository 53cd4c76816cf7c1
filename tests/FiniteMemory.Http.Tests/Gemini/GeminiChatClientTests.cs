using System.Text.Json;
using FiniteMemory.Backends;
using FiniteMemory.Http.Gemini;
using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Http.Tests.Support.Conversations;

namespace FiniteMemory.Http.Tests.Gemini;

public class GeminiChatClientTests
{
    private const string TextAnswer = """
        {"candidates":[{"content":{"role":"model","parts":[{"text":"Rain "},{"text":"tomorrow."}]},"finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":60,"candidatesTokenCount":5,"cachedContentTokenCount":32,"thoughtsTokenCount":7,"totalTokenCount":72},
         "modelVersion":"gemini-test-001","responseId":"resp_1"}
        """;

    private const string CallAnswer = """
        {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Bergen"}}}]},"finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":8,"totalTokenCount":48},"modelVersion":"gemini-test-001"}
        """;

    internal static GeminiChatClient Client(FakeServer server) => new(new GeminiChatClientOptions
    {
        Model = "gemini-test",
        Endpoint = server.BaseAddress,
        ApiKey = Key,
        Timeout = TimeSpan.FromSeconds(60), // only a hang guard: no test here waits for it
        MaxRetries = 2,
        RetryDelay = QuickRetry,
    });

    private static IEnumerable<SseEvent> StreamedAnswer(bool finish = true)
    {
        yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"text":"Checking"}]},"index":0}],"usageMetadata":{"promptTokenCount":70},"modelVersion":"gemini-test-001","responseId":"r_s"}""");
        yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"text":" Bergen."}]},"index":0}],"modelVersion":"gemini-test-001","responseId":"r_s"}""");
        yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"id":"fc_1","name":"get_weather","args":{"city":"Bergen"}}}]},"index":0}],"modelVersion":"gemini-test-001","responseId":"r_s"}""");
        if (finish)
        {
            yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"text":""}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":70,"candidatesTokenCount":12,"totalTokenCount":82},"modelVersion":"gemini-test-001","responseId":"r_s"}""");
        }
    }

    [Test]
    public async Task TheRequestUsesUserAndModelRolesASystemInstructionFunctionPartsAndGenerationConfig()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        await client.GetResponseAsync(WithToolRoundTrip(), AllOptions());

        var request = server.Requests.Single();
        await Assert.That(request.Path).IsEqualTo("/v1beta/models/gemini-test:generateContent");
        await Assert.That(request.Query).IsEqualTo(string.Empty);
        await Assert.That(request.Header("x-goog-api-key")).IsEqualTo(Key);
        var expected = """
            {"contents":[
               {"role":"user","parts":[{"text":"Weather in Oslo?"}]},
               {"role":"model","parts":[{"text":"Checking."},{"functionCall":{"id":"call_1","name":"get_weather","args":{"city":"Oslo"}}}]},
               {"role":"user","parts":[{"functionResponse":{"id":"call_1","name":"get_weather","response":{"result":"Sunny, 21 C"}}},{"text":"Thanks. And tomorrow?"}]}],
             "systemInstruction":{"parts":[{"text":"You are terse."}]},
             "tools":[{"functionDeclarations":[{"name":"get_weather","description":"The current weather in a city.","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}],
             "generationConfig":{"temperature":0.25,"topP":0.8999999761581421,"topK":40,"maxOutputTokens":300,"stopSequences":["END"]}}
            """;
        await Assert.That(JsonElement.DeepEquals(request.Json, JsonDocument.Parse(expected).RootElement)).IsTrue().Because(request.Body);
    }

    [Test]
    public async Task ToolModesBecomeFunctionCallingConfigAndAPerRequestModelChangesThePath()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer), FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        await client.GetResponseAsync("hi", new ChatOptions { Tools = [WeatherTool], ToolMode = ChatToolMode.RequireSpecific("get_weather") });
        await client.GetResponseAsync("hi", new ChatOptions { Tools = [WeatherTool], ToolMode = ChatToolMode.None, ModelId = "models/gemini-other" });

        var requests = server.Requests;
        await Assert.That(requests[0].Json.GetProperty("toolConfig").GetRawText()).IsEqualTo("""{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}}""");
        await Assert.That(requests[0].Json.TryGetProperty("generationConfig", out _)).IsFalse();
        await Assert.That(requests[1].Json.GetProperty("toolConfig").GetRawText()).IsEqualTo("""{"functionCallingConfig":{"mode":"NONE"}}""");
        await Assert.That(requests[1].Path).IsEqualTo("/v1beta/models/gemini-other:generateContent");
    }

    [Test]
    public async Task AJsonResponseFormatAsksForJsonWithItsSchema()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer), FakeResponse.Json(TextAnswer));
        using var client = Client(server);

        await client.GetResponseAsync("hi", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(WeatherTool.JsonSchema, "weather") });
        await client.GetResponseAsync("hi", new ChatOptions { ResponseFormat = ChatResponseFormat.Json });

        await Assert.That(server.Requests[0].Json.GetProperty("generationConfig").GetRawText())
            .IsEqualTo("""{"responseMimeType":"application/json","responseJsonSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""");
        await Assert.That(server.Requests[1].Json.GetProperty("generationConfig").GetRawText()).IsEqualTo("""{"responseMimeType":"application/json"}""");
    }

    [Test]
    public async Task AResponseMapsPartsFinishReasonAndUsageWithCachedAndThoughtTokens()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer), FakeResponse.Json(CallAnswer));
        using var client = Client(server);

        var text = await client.GetResponseAsync("Weather tomorrow?");
        var call = await client.GetResponseAsync("Weather in Bergen?");

        await Assert.That(text.Text).IsEqualTo("Rain tomorrow.");
        await Assert.That(text.ResponseId).IsEqualTo("resp_1");
        await Assert.That(text.ModelId).IsEqualTo("gemini-test-001");
        await Assert.That(text.FinishReason).IsEqualTo(ChatFinishReason.Stop);
        await Assert.That(text.Usage!.InputTokenCount).IsEqualTo(60);
        await Assert.That(text.Usage.CachedInputTokenCount).IsEqualTo(32);
        await Assert.That(text.Usage.OutputTokenCount).IsEqualTo(12);
        await Assert.That(text.Usage.ReasoningTokenCount).IsEqualTo(7);
        await Assert.That(text.Usage.TotalTokenCount).IsEqualTo(72);

        await Assert.That(call.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        var function = call.Messages.Single().Contents.OfType<FunctionCallContent>().Single();
        await Assert.That(function.Name).IsEqualTo("get_weather");
        await Assert.That(function.CallId).IsEqualTo("fmem-1-get_weather");
        await Assert.That(((JsonElement)function.Arguments!["city"]!).GetString()).IsEqualTo("Bergen");
    }

    [Test]
    public async Task AStreamReadsEveryChunkAndReportsTheFinalUsage()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(StreamedAnswer()));
        using var client = Client(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync("Weather in Bergen?", new ChatOptions { Tools = [WeatherTool] }));
        var response = updates.ToChatResponse();

        var request = server.Requests.Single();
        await Assert.That(request.Path).IsEqualTo("/v1beta/models/gemini-test:streamGenerateContent");
        await Assert.That(request.Query).IsEqualTo("?alt=sse");
        await Assert.That(response.Text).IsEqualTo("Checking Bergen.");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        await Assert.That(response.ResponseId).IsEqualTo("r_s");
        var function = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        await Assert.That(function.CallId).IsEqualTo("fc_1");
        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(70);
        await Assert.That(response.Usage.OutputTokenCount).IsEqualTo(12);
    }

    [Test]
    public async Task AToolCallRoundTripsWithTheFunctionNameAndNoMadeUpId()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(CallAnswer), FakeResponse.Json(TextAnswer));
        using var client = new ChatClientBuilder(Client(server)).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Weather in Bergen?", new ChatOptions { Tools = [AIFunctionFactory.Create(Weather, "get_weather")] });

        await Assert.That(response.Messages[^1].Text).IsEqualTo("Rain tomorrow.");
        var contents = server.Requests[1].Json.GetProperty("contents");
        await Assert.That(contents.GetArrayLength()).IsEqualTo(3);
        await Assert.That(contents[1].GetProperty("parts")[0].GetProperty("functionCall").GetRawText()).IsEqualTo("""{"name":"get_weather","args":{"city":"Bergen"}}""");
        await Assert.That(contents[2].GetProperty("parts")[0].GetProperty("functionResponse").GetRawText()).IsEqualTo("""{"name":"get_weather","response":{"result":"Bergen: sunny, 21 C"}}""");
    }

    [Test]
    public async Task ABlockedPromptIsAnErrorNamingTheReason()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("""{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":9}}"""));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("something unsafe"));

        await Assert.That(error!.Message).IsEqualTo("Gemini blocked the prompt: blockReason SAFETY. Rephrase the request, or relax the safety settings of the Gemini project.");
        await Assert.That(error.ProviderMessage).IsEqualTo("SAFETY");
    }

    [Test]
    public async Task AStreamThatEndsWithoutAFinishReasonIsAnError()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse(StreamedAnswer(finish: false)));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendStreamException>(() => CollectAsync(client.GetStreamingResponseAsync("hi")));

        await Assert.That(error!.Message).IsEqualTo("Gemini's stream ended before a chunk with a finishReason: the response is incomplete. Retry the request.");
    }

    [Test]
    public async Task AStreamCutMidEventIsAnError()
    {
        var cut = FakeResponse.Sse(StreamedAnswer().Take(1)).Chunk("data: {\"candidates\":[{\"content\":").ThenCut();
        await using var server = await FakeServer.StartAsync(cut);
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendStreamException>(() => CollectAsync(client.GetStreamingResponseAsync("hi")));

        await Assert.That(error!.Message).StartsWith("Gemini's stream broke before it finished:");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task AnApiKeyErrorQuotesGeminiAndNamesBothVariablesWithoutTheKey()
    {
        var body = $$$"""{"error":{"code":400,"message":"API key not valid: {{{Key}}}. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}""";
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(body, 403));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("hi"));

        await Assert.That(error!.Message).IsEqualTo("Gemini returned 403 Forbidden: API key not valid: [redacted]. Please pass a valid API key. Check GEMINI_API_KEY or GOOGLE_API_KEY.");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task MalformedJsonIsAClearError()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("""{"candidates":[{"content":"""));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("hi"));

        await Assert.That(error!.Message).StartsWith("Gemini returned a response that is not valid JSON: ");
    }

    [Test]
    public async Task TheRegisteredBackendReportsItsMetadataAndNeedsAModel()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
        using var client = ChatBackends.Create("gemini", new BackendSettings
        {
            Model = "gemini-test",
            Endpoint = server.BaseAddress,
            ApiKey = Key,
            Options = new Dictionary<string, string> { ["api-version"] = "v1" },
        });

        await client.GetResponseAsync("hi");

        await Assert.That(server.Requests.Single().Path).IsEqualTo("/v1/models/gemini-test:generateContent");
        var metadata = client.GetService<ChatClientMetadata>()!;
        await Assert.That(metadata.ProviderName).IsEqualTo("gemini");
        await Assert.That(metadata.DefaultModelId).IsEqualTo("gemini-test");
        var error = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("gemini", new BackendSettings { ApiKey = Key }));
        await Assert.That(error!.Message).Contains("Backend 'gemini' needs a model");
    }

    [Test]
    [NotInParallel("environment")]
    public async Task TheKeyComesFromGeminiApiKeyThenGoogleApiKey()
    {
        var saved = (Environment.GetEnvironmentVariable("GEMINI_API_KEY"), Environment.GetEnvironmentVariable("GOOGLE_API_KEY"));
        try
        {
            Environment.SetEnvironmentVariable("GEMINI_API_KEY", null);
            Environment.SetEnvironmentVariable("GOOGLE_API_KEY", "google-key-123");
            await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer), FakeResponse.Json(TextAnswer));
            using (var client = new GeminiChatClient(new GeminiChatClientOptions { Model = "m", Endpoint = server.BaseAddress }))
            {
                await client.GetResponseAsync("hi");
            }

            Environment.SetEnvironmentVariable("GEMINI_API_KEY", "gemini-key-456");
            using (var client = new GeminiChatClient(new GeminiChatClientOptions { Model = "m", Endpoint = server.BaseAddress }))
            {
                await client.GetResponseAsync("hi");
            }

            await Assert.That(server.Requests.Select(r => r.Header("x-goog-api-key")).ToArray()).IsEquivalentTo(new string?[] { "google-key-123", "gemini-key-456" });
        }
        finally
        {
            Environment.SetEnvironmentVariable("GEMINI_API_KEY", saved.Item1);
            Environment.SetEnvironmentVariable("GOOGLE_API_KEY", saved.Item2);
        }
    }
}

using System.ComponentModel;
using System.Text.Json.Nodes;
using FiniteMemory.Fakes;
using FiniteMemory.OpenAI.Tests.Support;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI.Tests;

/// <summary>What goes over the wire to an OpenAI-compatible server and what comes back, through the real SDK path.</summary>
public class WireFormatTests
{
    private static readonly List<ChatMessage> Conversation =
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "Hello"),
        new(ChatRole.Assistant, "Hi."),
        new(ChatRole.User, "What is 2+2?"),
    ];

    [Test]
    public async Task A_chat_request_carries_the_key_model_messages_in_order_and_the_options()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var client = Clients.Chat(server, s => s.Organization = "org-42");

        var response = await client.GetResponseAsync(Conversation, new ChatOptions { Temperature = 0.25f, MaxOutputTokens = 64, StopSequences = ["END"] });

        await Assert.That(response.Text).IsEqualTo("Answer 0: noted.");
        var request = server.Requests.Single();
        await Assert.That(request.Method).IsEqualTo("POST");
        await Assert.That(request.Path).IsEqualTo("/v1/chat/completions");
        await Assert.That(request.Header("Authorization")).IsEqualTo($"Bearer {Clients.Key}");
        await Assert.That(request.Header("OpenAI-Organization")).IsEqualTo("org-42");
        var body = request.Json!;
        await Assert.That(body["model"]!.GetValue<string>()).IsEqualTo("gpt-test");
        await Assert.That(request.Messages.Select(m => m.Role).ToArray()).IsEquivalentTo(new[] { "system", "user", "assistant", "user" });
        await Assert.That(request.Messages[^1].Content).IsEqualTo("What is 2+2?");
        await Assert.That(body["temperature"]!.GetValue<double>()).IsEqualTo(0.25);
        var maxTokens = body["max_completion_tokens"] ?? body["max_tokens"];
        await Assert.That(maxTokens!.GetValue<int>()).IsEqualTo(64);
        await Assert.That(body["stop"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray()).IsEquivalentTo(new[] { "END" });
        await Assert.That(body["stream"]?.GetValue<bool>() ?? false).IsFalse();
    }

    [Test]
    public async Task Usage_comes_back_with_cached_prompt_tokens()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.PromptTokens = _ => 1234;
        server.CachedTokens = _ => 1024;
        using var client = Clients.Chat(server);

        var response = await client.GetResponseAsync(Conversation);

        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(1234);
        await Assert.That(response.Usage.OutputTokenCount).IsEqualTo(7);
        await Assert.That(response.Usage.CachedInputTokenCount).IsEqualTo(1024);
    }

    [Test]
    public async Task A_streamed_request_asks_for_usage_and_the_stream_brings_text_then_usage()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.PromptTokens = _ => 321;
        server.CachedTokens = _ => 300;
        using var client = Clients.Chat(server);

        var updates = await client.GetStreamingResponseAsync(Conversation).ToListAsync();

        var request = server.Requests.Single();
        await Assert.That(request.Stream).IsTrue();
        await Assert.That(request.Json!["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false).IsTrue();
        await Assert.That(updates.Count(u => !string.IsNullOrEmpty(u.Text))).IsGreaterThan(1);
        var response = updates.ToChatResponse();
        await Assert.That(response.Text).IsEqualTo("Answer 0: noted.");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.Stop);
        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(321);
        await Assert.That(response.Usage.CachedInputTokenCount).IsEqualTo(300);
    }

    [Test]
    public async Task Streamed_usage_calibrates_a_session_and_counts_its_cache_hits()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.PromptTokens = _ => 500;
        server.CachedTokens = _ => 256;
        using var client = Clients.Chat(server);
        var session = new MemorySession(client, new MemoryOptions { Budget = 4_000 });
        session.AddSystem("You are terse.");

        await session.ChatStreamingAsync(string.Join(' ', Enumerable.Repeat("Tell me about the ryokan in Kyoto and the trains.", 10))).ToListAsync();

        await Assert.That(session.Stats.ProviderInputTokens).IsEqualTo(500);
        await Assert.That(session.Stats.CacheHits).IsEqualTo(1);
        await Assert.That(session.Stats.CachedInputTokens).IsEqualTo(256);
        await Assert.That(session.Calibration.Observations).IsEqualTo(1);
        await Assert.That(session.Calibration.Ratio).IsGreaterThan(1.0);
    }

    [Test]
    public async Task Tools_are_sent_as_functions_and_tool_calls_come_back_as_function_calls()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.ToolCalls(("call_1", "get_weather", "{\"city\":\"Kyoto\",\"days\":[1,2]}")));
        using var client = Clients.Chat(server);
        var tool = AIFunctionFactory.Create(([Description("The city")] string city) => "sunny", "get_weather", "Gets the weather.");

        var response = await client.GetResponseAsync(Conversation, new ChatOptions { Tools = [tool] });

        var sent = server.Requests.Single().Json!["tools"]!.AsArray().Single()!;
        await Assert.That(sent["type"]!.GetValue<string>()).IsEqualTo("function");
        await Assert.That(sent["function"]!["name"]!.GetValue<string>()).IsEqualTo("get_weather");
        await Assert.That(sent["function"]!["parameters"]!["properties"]!["city"]).IsNotNull();
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        await Assert.That(call.CallId).IsEqualTo("call_1");
        await Assert.That(call.Name).IsEqualTo("get_weather");
        await Assert.That(call.Arguments!["city"]!.ToString()).IsEqualTo("Kyoto");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
    }

    [Test]
    public async Task Streamed_tool_call_deltas_are_assembled_into_whole_calls()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.ToolCalls(("call_a", "get_weather", "{\"city\":\"Tokyo\"}"), ("call_b", "search_hotels", "{\"near\":[\"Ueno\",\"Shinjuku\"]}")));
        using var client = Clients.Chat(server);

        var updates = await client.GetStreamingResponseAsync(Conversation).ToListAsync();

        var calls = updates.ToChatResponse().Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().OrderBy(c => c.CallId).ToList();
        await Assert.That(calls.Count).IsEqualTo(2);
        await Assert.That(calls[0].Name).IsEqualTo("get_weather");
        await Assert.That(calls[0].Arguments!["city"]!.ToString()).IsEqualTo("Tokyo");
        await Assert.That(calls[1].Name).IsEqualTo("search_hotels");
        await Assert.That(calls[1].Arguments!["near"]!.ToString()).Contains("Shinjuku");
    }

    [Test]
    public async Task A_tool_result_goes_back_as_a_tool_message_after_its_call()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var client = Clients.Chat(server);
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You plan trips."),
            new(ChatRole.User, "Weather in Kyoto?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_9", "get_weather", new Dictionary<string, object?> { ["city"] = "Kyoto" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_9", "sunny, 18 C")]),
        ];

        await client.GetResponseAsync(messages);

        var sent = server.Requests.Single().Json!["messages"]!.AsArray();
        await Assert.That(sent[2]!["tool_calls"]![0]!["id"]!.GetValue<string>()).IsEqualTo("call_9");
        await Assert.That(JsonNode.Parse(sent[2]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>())!["city"]!.GetValue<string>()).IsEqualTo("Kyoto");
        await Assert.That(sent[3]!["role"]!.GetValue<string>()).IsEqualTo("tool");
        await Assert.That(sent[3]!["tool_call_id"]!.GetValue<string>()).IsEqualTo("call_9");
    }

    [Test]
    public async Task Embeddings_come_from_the_embeddings_endpoint_in_input_order()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var embedder = OpenAIBackends.CreateEmbeddingGenerator(new OpenAIChatClientOptions { Endpoint = server.BaseUrl, ApiKey = Clients.Key, EmbeddingModel = "embed-test" }, Clients.Fast);

        var vectors = await embedder.GenerateAsync(["alpha beta", "gamma"]);

        var request = server.Requests.Single();
        await Assert.That(request.Path).IsEqualTo("/v1/embeddings");
        await Assert.That(request.Header("Authorization")).IsEqualTo($"Bearer {Clients.Key}");
        await Assert.That(request.Json!["model"]!.GetValue<string>()).IsEqualTo("embed-test");
        await Assert.That(vectors.Count).IsEqualTo(2);
        await Assert.That(vectors[0].Vector.ToArray()).IsEquivalentTo(FakeOpenAIServer.Vector("alpha beta"));
        await Assert.That(vectors[1].Vector.ToArray()).IsEquivalentTo(FakeOpenAIServer.Vector("gamma"));
    }
}

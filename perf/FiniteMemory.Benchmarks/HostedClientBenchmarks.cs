using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using FiniteMemory.Http;
using FiniteMemory.Http.Anthropic;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// What FiniteMemory.Http adds to one request, with the network taken out: an in-memory handler answers every
/// request with the same Anthropic Messages JSON. Baseline: a plain <see cref="HttpClient"/> posting a prepared
/// JSON body and reading the answer as text. "Resilient handler": the same call through
/// <see cref="BackendHttp.CreateClient"/> (Polly retry + timeout pipeline, request buffering, response buffering
/// inside the attempt). "Anthropic client": a whole <see cref="AnthropicChatClient.GetResponseAsync"/> of a
/// five-message conversation with a tool (request mapping and serialization, the resilient send, response
/// parsing and mapping).
/// </summary>
[MemoryDiagnoser]
public class HostedClientBenchmarks
{
    private const string Answer = """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-test-1","content":[{"type":"text","text":"Rain tomorrow, around 12 C."}],
         "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":50,"output_tokens":9,"cache_read_input_tokens":30}}
        """;

    private static readonly Uri Endpoint = new("http://fake.local/");
    private static readonly Uri MessagesUri = new("http://fake.local/v1/messages");

    private readonly List<ChatMessage> _conversation =
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "Weather in Oslo?"),
        new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
        new(ChatRole.Tool, [new FunctionResultContent("call_1", "Sunny, 21 C")]),
        new(ChatRole.User, "And tomorrow?"),
    ];

    private readonly ChatOptions _options = new()
    {
        Temperature = 0.2f,
        Tools = [AIFunctionFactory.CreateDeclaration("get_weather", "The weather in a city.", System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement)],
    };

    private string _body = null!;
    private HttpClient _plain = null!;
    private HttpClient _resilient = null!;
    private AnthropicChatClient _anthropic = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = new HttpClient(new CannedHandler(Answer));
        _resilient = BackendHttp.CreateClient("Anthropic", ResilienceOptions.Default, new CannedHandler(Answer));
        _anthropic = new AnthropicChatClient(new AnthropicChatClientOptions { Model = "claude-test-1", Endpoint = Endpoint, ApiKey = "sk-benchmark-key" }, new CannedHandler(Answer));

        // The raw call sends the body the Anthropic client would send.
        var recorder = new CannedHandler(Answer);
        using var client = new AnthropicChatClient(new AnthropicChatClientOptions { Model = "claude-test-1", Endpoint = Endpoint, ApiKey = "sk-benchmark-key" }, recorder);
        client.GetResponseAsync(_conversation, _options).GetAwaiter().GetResult();
        _body = recorder.LastBody!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _resilient.Dispose();
        _anthropic.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Plain HttpClient (baseline)")]
    public Task<string> Plain() => PostAsync(_plain);

    [Benchmark(Description = "Resilient handler")]
    public Task<string> Resilient() => PostAsync(_resilient);

    [Benchmark(Description = "Anthropic client, whole request")]
    public async Task<string> Anthropic() => (await _anthropic.GetResponseAsync(_conversation, _options)).Text;

    private async Task<string> PostAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, MessagesUri) { Content = new StringContent(_body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", "sk-benchmark-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Answers every request with the same JSON, after reading the request body as a server would.</summary>
    private sealed class CannedHandler(string answer) : HttpMessageHandler
    {
        private readonly byte[] _answer = Encoding.UTF8.GetBytes(answer);

        public string? LastBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var content = new ByteArrayContent(_answer);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}

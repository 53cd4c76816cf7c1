using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using FiniteMemory.Fakes;
using FiniteMemory.OpenAI;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using SdkChatMessage = OpenAI.Chat.ChatMessage;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// The overhead of FiniteMemory's client path on one chat request: the FiniteMemory middleware with the hybrid
/// policy over FiniteMemory.OpenAI's backend (M.E.AI adapter, resilient transport, error translation) against the
/// raw SDK call <c>ChatClient.CompleteChatAsync</c> (baseline), both to the same loopback fake OpenAI server with
/// the same 41-message conversation, which fits the budget (the policy keeps everything; the cost is deciding so).
/// The backend alone and the sliding policy split the overhead between transport and memory.
/// </summary>
[MemoryDiagnoser]
public class OpenAIRequestBenchmarks
{
    private const string Key = "sk-bench";

    private FakeOpenAIServer _server = null!;
    private ChatClient _raw = null!;
    private FiniteMemoryChatClient _ours = null!;
    private FiniteMemoryChatClient _sliding = null!;
    private OpenAIChatClient _backend = null!;
    private List<SdkChatMessage> _sdkMessages = null!;
    private List<MeaiChatMessage> _messages = null!;

    /// <summary>Where the request goes: the loopback fake server, or a handler that answers from memory (no network: the client path alone).</summary>
    [Params("loopback", "in-memory")]
    public string Transport { get; set; } = "loopback";

    [GlobalSetup]
    public void Setup()
    {
        _server = FakeOpenAIServer.StartAsync(record: false).GetAwaiter().GetResult();
        HttpMessageHandler? memory = Transport == "in-memory" ? new CannedCompletionHandler() : null;
        _messages = [new MeaiChatMessage(ChatRole.System, "You are Tabi, a concise travel-planning assistant.")];
        for (var i = 0; i < 20; i++)
        {
            _messages.Add(new MeaiChatMessage(ChatRole.User, $"Question {i}: what about day {i} of the Kyoto trip, the ryokan and the train times?"));
            _messages.Add(new MeaiChatMessage(ChatRole.Assistant, $"Answer {i}: on day {i} take the 9:1{i % 10} Hikari, check in at the ryokan at 15:00, dinner is shojin ryori."));
        }

        _messages.Add(new MeaiChatMessage(ChatRole.User, "Summarise the plan."));
        _sdkMessages = [.. _messages.Select(m => m.Role == ChatRole.System ? (SdkChatMessage)new SystemChatMessage(m.Text)
            : m.Role == ChatRole.User ? new UserChatMessage(m.Text) : new AssistantChatMessage(m.Text))];

        var rawOptions = new OpenAIClientOptions { Endpoint = _server.BaseUrl };
        if (memory is not null)
        {
            rawOptions.Transport = new HttpClientPipelineTransport(new HttpClient(new CannedCompletionHandler()));
        }

        _raw = new ChatClient("gpt-bench", new ApiKeyCredential(Key), rawOptions);
        _backend = new OpenAIChatClient(new OpenAIChatClientOptions { Model = "gpt-bench", Endpoint = _server.BaseUrl, ApiKey = Key }, null, null, memory);
        _ours = new FiniteMemoryChatClient(_backend, new MemoryOptions { Budget = 8_000, Policy = MemoryPolicies.Create("hybrid") });
        _sliding = new FiniteMemoryChatClient(_backend, new MemoryOptions { Budget = 8_000 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _backend.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "Raw OpenAI SDK: ChatClient.CompleteChatAsync")]
    public async Task<string> RawSdk()
    {
        var completion = await _raw.CompleteChatAsync(_sdkMessages).ConfigureAwait(false);
        return completion.Value.Content[0].Text;
    }

    [Benchmark(Description = "FiniteMemory.OpenAI backend alone (M.E.AI adapter, resilient transport)")]
    public async Task<string> BackendOnly()
    {
        var response = await _backend.GetResponseAsync(_messages).ConfigureAwait(false);
        return response.Text;
    }

    [Benchmark(Description = "FiniteMemory middleware (sliding) + FiniteMemory.OpenAI backend")]
    public async Task<string> FiniteMemorySliding()
    {
        var response = await _sliding.GetResponseAsync(_messages).ConfigureAwait(false);
        return response.Text;
    }

    [Benchmark(Description = "FiniteMemory middleware (hybrid) + FiniteMemory.OpenAI backend")]
    public async Task<string> FiniteMemoryPath()
    {
        var response = await _ours.GetResponseAsync(_messages).ConfigureAwait(false);
        return response.Text;
    }
}

/// <summary>Answers every request with the same chat completion, after reading its body, as a server would.</summary>
internal sealed class CannedCompletionHandler : HttpMessageHandler
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1764547200,\"model\":\"gpt-bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Day 1: Fushimi Inari at dawn.\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":9,\"total_tokens\":909,\"prompt_tokens_details\":{\"cached_tokens\":768}}}");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _ = await request.Content!.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(Body) { Headers = { ContentType = new("application/json") } },
            RequestMessage = request,
        };
    }
}

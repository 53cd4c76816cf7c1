using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Cohere;

/// <summary>
/// Cohere's v2 chat API as an <see cref="IChatClient"/>: roles system / user / assistant / tool, tool calls
/// with their plan, and streamed answers read from its server-sent events (a stream without
/// <c>message-end</c> is an error).
/// </summary>
public sealed class CohereChatClient : HostedChatClient
{
    /// <summary>The provider's display name.</summary>
    public const string ProviderName = "Cohere";

    private static readonly string[] KeyVariables = ["CO_API_KEY", "COHERE_API_KEY"];

    /// <summary>The backend's registered name.</summary>
    internal const string BackendName = "cohere";

    private static readonly HostedProvider Provider = new(BackendName, ProviderName, CohereChatClientOptions.DefaultEndpoint, "command-a-03-2025", KeyVariables);

    private readonly Uri _chatUri;

    /// <summary>Creates the client.</summary>
    /// <param name="settings">Model (required), endpoint, key, timeout and retries.</param>
    /// <param name="handler">The handler under the resilience layer (a proxy, a test double); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="BackendConfigurationException">No model, no API key, or a setting out of range; the message names the fix.</exception>
    public CohereChatClient(CohereChatClientOptions settings, HttpMessageHandler? handler = null)
        : base(Provider, settings, handler) => _chatUri = BackendHttp.Combine(Endpoint, "v2/chat");

    /// <summary>The environment variables the API key is read from when none is configured, in order.</summary>
    public static IReadOnlyList<string> ApiKeyVariables => KeyVariables;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(CohereRequestBuilder.Build(messages, options, ModelFor(options), stream: false), streaming: false);
        using var response = await Connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        var answer = await Connection.ReadJsonAsync(response, CohereJsonContext.Default.CohereResponse, cancellationToken).ConfigureAwait(false);
        if (IsFailure(answer.FinishReason))
        {
            throw new BackendHttpException(ProviderName, (int)response.StatusCode, answer.FinishReason, answer.Id, $"{ProviderName} could not finish the answer (finish_reason {answer.FinishReason}); nothing of it is kept. Retry the request.");
        }

        var contents = new List<AIContent>();
        if (answer.Message?.ToolPlan is { Length: > 0 } plan)
        {
            contents.Add(new TextReasoningContent(plan));
        }

        contents.AddRange(answer.Message?.Content?.Where(static b => b.Type == "text" && !string.IsNullOrEmpty(b.Text)).Select(static b => new TextContent(b.Text)) ?? []);
        contents.AddRange(answer.Message?.ToolCalls?.Select(ToolCall) ?? []);
        var result = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = answer.Id })
        {
            ResponseId = answer.Id,
            ModelId = ModelFor(options),
            FinishReason = FinishReason(answer.FinishReason),
            Usage = Usage(answer.Usage),
            RawRepresentation = answer,
        };
        return OutputLimit.Checked(ProviderName, result, options?.MaxOutputTokens);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var model = ModelFor(options);
        using var request = CreateRequest(CohereRequestBuilder.Build(messages, options, model, stream: true), streaming: true);
        using var response = await Connection.SendAsync(request, streaming: true, cancellationToken).ConfigureAwait(false);
        string? id = null;
        var calls = new Dictionary<int, PendingCall>();
        var limit = OutputLimit.For(ProviderName, options?.MaxOutputTokens);
        await foreach (var item in Connection.ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            var e = Connection.ParseEvent(item, CohereJsonContext.Default.CohereStreamEvent);
            var message = e.Delta?.Message;
            AIContent? content = null;
            switch (e.Type ?? item.EventType)
            {
                case "message-start":
                    id = e.Id;
                    break;
                case "content-start" or "content-delta" when message?.Content is { ValueKind: JsonValueKind.Object } block:
                    content = block.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } t ? new TextContent(t) : null;
                    break;
                case "tool-plan-delta" when message?.ToolPlan is { Length: > 0 } plan:
                    content = new TextReasoningContent(plan);
                    break;
                case "tool-call-start" when message?.ToolCalls is { ValueKind: JsonValueKind.Object } start:
                    var call = start.Deserialize(CohereJsonContext.Default.CohereToolCall);
                    calls[e.Index ?? 0] = new PendingCall(call?.Id, call?.Function?.Name, call?.Function?.Arguments);
                    break;
                case "tool-call-delta" when message?.ToolCalls is { ValueKind: JsonValueKind.Object } delta && calls.TryGetValue(e.Index ?? 0, out var pending):
                    pending.Arguments.Append(delta.Deserialize(CohereJsonContext.Default.CohereToolCall)?.Function?.Arguments);
                    break;
                case "tool-call-end" when calls.Remove(e.Index ?? 0, out var done):
                    content = ToolCall(new CohereToolCall { Id = done.Id, Function = new CohereFunction { Name = done.Name, Arguments = done.Arguments.ToString() } });
                    break;
                case "message-end":
                    if (e.Delta?.Error is { Length: > 0 } error)
                    {
                        throw new BackendStreamException(ProviderName, $"{ProviderName} ended the stream with an error: {Connection.Redactor.Redact(error)} The response is incomplete.");
                    }

                    if (IsFailure(e.Delta?.FinishReason))
                    {
                        throw new BackendStreamException(ProviderName, $"{ProviderName} ended the stream with finish_reason {e.Delta!.FinishReason}: the response is incomplete.");
                    }

                    var final = new ChatResponseUpdate(ChatRole.Assistant, []) { ResponseId = id, MessageId = id, ModelId = model, FinishReason = FinishReason(e.Delta?.FinishReason) };
                    if (Usage(e.Delta?.Usage) is { } usage)
                    {
                        final.Contents.Add(new UsageContent(usage));
                    }

                    yield return final;
                    yield break;
            }

            if (content is not null)
            {
                var update = new ChatResponseUpdate(ChatRole.Assistant, [content]) { ResponseId = id, MessageId = id, ModelId = model };
                limit?.Add(update);
                yield return update;
            }
        }

        throw BackendStreamException.EndedEarly(ProviderName, "message-end");
    }

    // Cohere ends a generation that failed or ran out of time with these reasons: the answer is not whole.
    private static bool IsFailure(string? reason) => reason is "ERROR" or "TIMEOUT" or "ERROR_TOXIC" or "ERROR_LIMIT";

    internal static ChatFinishReason? FinishReason(string? reason) => reason switch
    {
        null => null,
        "COMPLETE" or "STOP_SEQUENCE" => ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        "TOOL_CALL" => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(reason.ToLowerInvariant()),
    };

    // "tokens" is what the model processed, "billed_units" what Cohere charges; the window is the former.
    internal static UsageDetails? Usage(CohereUsage? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var counted = usage.Tokens ?? usage.BilledUnits;
        var input = Whole(counted?.InputTokens);
        var output = Whole(counted?.OutputTokens);
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input is null && output is null ? null : (input ?? 0) + (output ?? 0),
            CachedInputTokenCount = usage.CachedTokens,
        };
        if (usage.BilledUnits is { } billed)
        {
            details.AdditionalCounts = [];
            if (Whole(billed.InputTokens) is long i)
            {
                details.AdditionalCounts["billed_input_tokens"] = i;
            }

            if (Whole(billed.OutputTokens) is long o)
            {
                details.AdditionalCounts["billed_output_tokens"] = o;
            }
        }

        return details;
    }

    private static long? Whole(double? value) => value is { } v ? (long)Math.Round(v) : null;

    private HttpRequestMessage CreateRequest(CohereRequest body, bool streaming)
    {
        var request = ProviderConnection.PostJson(_chatUri, body, CohereJsonContext.Default.CohereRequest);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(streaming ? "text/event-stream" : "application/json"));
        return request;
    }

    private FunctionCallContent ToolCall(CohereToolCall call)
    {
        var name = call.Function?.Name ?? string.Empty;
        try
        {
            return new FunctionCallContent(call.Id ?? string.Empty, name, ProviderJson.ArgumentsFromText(call.Function?.Arguments));
        }
        catch (JsonException ex)
        {
            throw new BackendHttpException(ProviderName, null, null, null, $"{ProviderName} sent tool '{Connection.Redactor.Redact(name)}' arguments that are not a JSON object: {Connection.Redactor.Redact(ExceptionText.Describe(ex))}.", Connection.Redactor.Clean(ex));
        }
    }

    private sealed class PendingCall(string? id, string? name, string? arguments)
    {
        public string? Id { get; } = id;

        public string? Name { get; } = name;

        public StringBuilder Arguments { get; } = new(arguments);
    }
}

using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Anthropic;

/// <summary>
/// Anthropic's Messages API as an <see cref="IChatClient"/>: system messages become the top-level
/// <c>system</c>, tool calls and results become <c>tool_use</c> / <c>tool_result</c> blocks, and streamed
/// answers are read from its server-sent events (a stream without <c>message_stop</c> is an error).
/// </summary>
/// <remarks>
/// <para>
/// Extended thinking is turned on by <see cref="ChatOptions.Reasoning"/> (an effort becomes a token budget:
/// <see cref="LowEffortBudget"/> and up) or by <see cref="ThinkingBudgetTokensKey"/> in
/// <see cref="ChatOptions.AdditionalProperties"/>. Its blocks are kept as <see cref="TextReasoningContent"/>, the way
/// Anthropic's own M.E.AI adapter keeps them: a <c>thinking</c> block's text in <see cref="TextReasoningContent.Text"/>
/// and its <c>signature</c> in <see cref="TextReasoningContent.ProtectedData"/>; a <c>redacted_thinking</c> block as
/// empty text with its <c>data</c> in <see cref="TextReasoningContent.ProtectedData"/>. Streamed, a thinking block
/// arrives as reasoning deltas followed by one signature-only item, which <c>ToChatResponse</c> joins into one content.
/// </para>
/// <para>
/// Sent back in an assistant message, these become the same blocks, in the same place (first, before the
/// <c>tool_use</c> blocks, as the API returned them), so a tool loop with thinking continues. Reasoning without
/// <see cref="TextReasoningContent.ProtectedData"/> (another provider's, or text written by hand) is not sent: the API
/// accepts only signed thinking. <see cref="TextReasoningContent.ProtectedData"/> is Anthropic's own: reasoning
/// another provider signed must not be replayed here.
/// </para>
/// <para>
/// With thinking on, the API refuses a changed temperature or top-k, a top-p below 0.95 and forced tool use; such
/// options are refused before any request. A long thinking answer takes minutes: stream it, or raise the attempt
/// timeout, since a non-streamed call that runs past it is retried.
/// </para>
/// </remarks>
public sealed class AnthropicChatClient : HostedChatClient
{
    /// <summary>The provider's display name.</summary>
    public const string ProviderName = "Anthropic";

    /// <summary>
    /// The <see cref="ChatOptions.AdditionalProperties"/> key of an explicit thinking budget in tokens (at least 1024),
    /// sent as <c>"thinking": {"type": "enabled", "budget_tokens": N}</c>; it takes precedence over <see cref="ChatOptions.Reasoning"/>.
    /// </summary>
    public const string ThinkingBudgetTokensKey = "thinking_budget_tokens";

    /// <summary>
    /// The <see cref="AIContent.AdditionalProperties"/> key under which a <see cref="TextReasoningContent"/> from this
    /// client records its block's type (<c>thinking</c> or <c>redacted_thinking</c>), so it goes back as the same kind of
    /// block. Reasoning without it follows the convention of Anthropic's own adapter: empty text is redacted thinking.
    /// </summary>
    public const string BlockTypeKey = "anthropic_block_type";

    /// <summary>The thinking budget of <see cref="ReasoningEffort.Low"/> (the API's minimum).</summary>
    public const int LowEffortBudget = 1024;

    /// <summary>The thinking budget of <see cref="ReasoningEffort.Medium"/>.</summary>
    public const int MediumEffortBudget = 4096;

    /// <summary>The thinking budget of <see cref="ReasoningEffort.High"/>.</summary>
    public const int HighEffortBudget = 16384;

    /// <summary>The thinking budget of <see cref="ReasoningEffort.ExtraHigh"/>.</summary>
    public const int ExtraHighEffortBudget = 32768;

    /// <summary>The environment variable the API key is read from when none is configured.</summary>
    public const string ApiKeyVariable = "ANTHROPIC_API_KEY";

    private static readonly HostedProvider Provider = new("anthropic", ProviderName, AnthropicSettings.DefaultEndpoint, "claude-sonnet-4-5", [ApiKeyVariable]);

    private readonly Uri _messagesUri;
    private readonly AnthropicSettings _settings;

    /// <summary>Creates the client.</summary>
    /// <param name="settings">Model (required), endpoint, key, timeout, retries and options.</param>
    /// <param name="handler">The handler under the resilience layer (a proxy, a test double); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="BackendConfigurationException">No model, no API key, or a setting out of range; the message names the fix.</exception>
    public AnthropicChatClient(AnthropicSettings settings, HttpMessageHandler? handler = null)
        : this(settings, handler, TimeProvider.System)
    {
    }

    /// <summary>Creates the client with the clock its retries, attempt timeouts and stream idle timeout wait on (tests pass a fake one).</summary>
    internal AnthropicChatClient(AnthropicSettings settings, HttpMessageHandler? handler, TimeProvider time)
        : base(Provider, settings, handler, time)
    {
        _settings = settings;
        _messagesUri = BackendHttp.Combine(Endpoint, "v1/messages");
    }

    /// <summary>The <c>anthropic</c> backend: Claude models through the Messages API.</summary>
    [Backend("anthropic", Description = "Anthropic Messages API (Claude): POST {endpoint}/v1/messages with x-api-key (ANTHROPIC_API_KEY); streams over SSE.")]
    public static IChatClient Create(AnthropicSettings settings) => new AnthropicChatClient(settings);

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = AnthropicRequestBuilder.Build(messages, options, ModelFor(options), _settings.MaxTokens, stream: false);
        using var request = CreateRequest(body, streaming: false);
        using var response = await Connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        var answer = await Connection.ReadJsonAsync(response, AnthropicJsonContext.Default.AnthropicResponse, cancellationToken).ConfigureAwait(false);
        return OutputLimit.Checked(ProviderName, ToChatResponse(answer), body.MaxTokens);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var body = AnthropicRequestBuilder.Build(messages, options, ModelFor(options), _settings.MaxTokens, stream: true);
        using var request = CreateRequest(body, streaming: true);
        using var response = await Connection.SendAsync(request, streaming: true, cancellationToken).ConfigureAwait(false);
        var stream = new StreamState();
        var limit = OutputLimit.For(ProviderName, body.MaxTokens);
        await foreach (var item in Connection.ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            var e = Connection.ParseEvent(item, AnthropicJsonContext.Default.AnthropicStreamEvent);
            if (Apply(stream, e, item.EventType) is { } update)
            {
                limit?.Add(update);
                yield return update;
            }

            if (stream.Stopped)
            {
                yield break;
            }
        }

        throw BackendStreamException.EndedEarly(ProviderName, "message_stop");
    }

    internal static ChatFinishReason? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "refusal" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(stopReason),
    };

    // Anthropic counts cache reads and writes apart from input_tokens; the window the model saw is their sum.
    internal static UsageDetails? Usage(AnthropicUsage? usage)
    {
        if (usage is null)
        {
            return null;
        }

        long? input = usage.InputTokens is null && usage.CacheReadInputTokens is null && usage.CacheCreationInputTokens is null
            ? null
            : (usage.InputTokens ?? 0) + (usage.CacheReadInputTokens ?? 0) + (usage.CacheCreationInputTokens ?? 0);
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = usage.OutputTokens,
            TotalTokenCount = input is null && usage.OutputTokens is null ? null : (input ?? 0) + (usage.OutputTokens ?? 0),
            CachedInputTokenCount = usage.CacheReadInputTokens,
        };
        if (usage.CacheCreationInputTokens is long created)
        {
            details.AdditionalCounts = new AdditionalPropertiesDictionary<long> { ["cache_creation_input_tokens"] = created };
        }

        return details;
    }

    private HttpRequestMessage CreateRequest(AnthropicRequest body, bool streaming)
    {
        var request = ProviderConnection.PostJson(_messagesUri, body, AnthropicJsonContext.Default.AnthropicRequest);
        request.Headers.Add("x-api-key", ApiKey);
        request.Headers.Add("anthropic-version", _settings.AnthropicVersion);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(streaming ? "text/event-stream" : "application/json"));
        return request;
    }

    private ChatResponse ToChatResponse(AnthropicResponse answer)
    {
        var contents = new List<AIContent>();
        foreach (var block in answer.Content ?? [])
        {
            switch (block.Type)
            {
                case "text" when block.Text is { } text:
                    contents.Add(new TextContent(text) { RawRepresentation = block });
                    break;
                case "thinking" or "redacted_thinking":
                    contents.Add(Reasoning(block));
                    break;
                case "tool_use":
                    contents.Add(ToolCall(block.Id, block.Name, block.Input ?? default));
                    break;
            }
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = answer.Id })
        {
            ResponseId = answer.Id,
            ModelId = answer.Model,
            FinishReason = FinishReason(answer.StopReason),
            Usage = Usage(answer.Usage),
            RawRepresentation = answer,
        };
    }

    // The block's type travels with it (BlockTypeKey), so a signed thinking block whose text is empty (thinking not
    // displayed) is not taken for redacted thinking when it goes back, also after a checkpoint.
    private static TextReasoningContent Reasoning(AnthropicBlock block) => block.Type == "thinking"
        ? new TextReasoningContent(block.Thinking) { ProtectedData = NullIfEmpty(block.Signature), RawRepresentation = block, AdditionalProperties = BlockType(block.Type) }
        : new TextReasoningContent(string.Empty) { ProtectedData = NullIfEmpty(block.Data), RawRepresentation = block, AdditionalProperties = BlockType(block.Type) };

    private static AdditionalPropertiesDictionary BlockType(string type) => new() { [BlockTypeKey] = type };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private FunctionCallContent ToolCall(string? id, string? name, JsonElement input)
    {
        try
        {
            return new FunctionCallContent(id ?? string.Empty, name ?? string.Empty, ProviderJson.ArgumentsFromJson(input));
        }
        catch (JsonException ex)
        {
            throw new BackendHttpException(ProviderName, null, null, null, $"{ProviderName} sent tool '{Connection.Redactor.Redact(name)}' arguments that are not a JSON object: {Connection.Redactor.Redact(ExceptionText.Describe(ex))}.", Connection.Redactor.Clean(ex));
        }
    }

    private ChatResponseUpdate? Apply(StreamState stream, AnthropicStreamEvent e, string eventType)
    {
        switch (e.Type ?? eventType)
        {
            case "message_start":
                stream.Id = e.Message?.Id;
                stream.Model = e.Message?.Model;
                stream.Usage = e.Message?.Usage ?? new AnthropicUsage();
                return null;
            case "content_block_start" when e.ContentBlock is { } block:
                if (block.Type == "tool_use")
                {
                    stream.Tools[e.Index ?? 0] = new ToolBlock(block.Id, block.Name);
                    return null;
                }

                return block switch
                {
                    { Type: "text", Text.Length: > 0 } => Update(stream, new TextContent(block.Text)),
                    { Type: "thinking", Thinking.Length: > 0 } => Update(stream, new TextReasoningContent(block.Thinking)),
                    { Type: "redacted_thinking" } => Update(stream, Reasoning(block)),
                    _ => null,
                };
            case "content_block_delta" when e.Delta is { } delta:
                switch (delta.Type)
                {
                    case "text_delta" when !string.IsNullOrEmpty(delta.Text):
                        return Update(stream, new TextContent(delta.Text));
                    case "thinking_delta" when !string.IsNullOrEmpty(delta.Thinking):
                        return Update(stream, new TextReasoningContent(delta.Thinking));

                    // The signature closes its thinking block; ToChatResponse merges it into the reasoning before it.
                    case "signature_delta" when !string.IsNullOrEmpty(delta.Signature):
                        return Update(stream, new TextReasoningContent(string.Empty) { ProtectedData = delta.Signature, AdditionalProperties = BlockType("thinking") });
                }

                if (delta.Type == "input_json_delta" && stream.Tools.TryGetValue(e.Index ?? 0, out var partial))
                {
                    partial.Json.Append(delta.PartialJson);
                }

                return null;
            case "content_block_stop":
                if (!stream.Tools.Remove(e.Index ?? 0, out var tool))
                {
                    return null;
                }

                try
                {
                    return Update(stream, new FunctionCallContent(tool.Id ?? string.Empty, tool.Name ?? string.Empty, ProviderJson.ArgumentsFromText(tool.Json.ToString())));
                }
                catch (JsonException ex)
                {
                    throw new BackendStreamException(ProviderName, $"{ProviderName} streamed tool '{Connection.Redactor.Redact(tool.Name)}' arguments that are not a JSON object: {Connection.Redactor.Redact(ExceptionText.Describe(ex))}.", Connection.Redactor.Clean(ex));
                }

            case "message_delta":
                stream.StopReason = e.Delta?.StopReason ?? stream.StopReason;
                if (e.Usage is { } usage)
                {
                    stream.Usage ??= new AnthropicUsage();
                    stream.Usage.OutputTokens = usage.OutputTokens ?? stream.Usage.OutputTokens;
                    stream.Usage.InputTokens = usage.InputTokens ?? stream.Usage.InputTokens;
                    stream.Usage.CacheReadInputTokens = usage.CacheReadInputTokens ?? stream.Usage.CacheReadInputTokens;
                    stream.Usage.CacheCreationInputTokens = usage.CacheCreationInputTokens ?? stream.Usage.CacheCreationInputTokens;
                }

                return null;
            case "message_stop":
                stream.Stopped = true;
                var final = Update(stream);
                final.FinishReason = FinishReason(stream.StopReason);
                if (Usage(stream.Usage) is { } details)
                {
                    final.Contents.Add(new UsageContent(details));
                }

                return final;
            case "error":
                var message = Connection.Redactor.Redact(e.Error?.Message ?? "no message");
                throw new BackendStreamException(ProviderName, $"{ProviderName} sent an error mid-stream ({Connection.Redactor.Redact(e.Error?.Type ?? "error")}): {message} The response is incomplete.");
            default:
                // ping, and event kinds this client does not use.
                return null;
        }
    }

    private static ChatResponseUpdate Update(StreamState stream, params AIContent[] contents) =>
        new(ChatRole.Assistant, [.. contents])
        {
            ResponseId = stream.Id,
            MessageId = stream.Id,
            ModelId = stream.Model,
        };

    private sealed class StreamState
    {
        public string? Id { get; set; }

        public string? Model { get; set; }

        public AnthropicUsage? Usage { get; set; }

        public string? StopReason { get; set; }

        public bool Stopped { get; set; }

        public Dictionary<int, ToolBlock> Tools { get; } = [];
    }

    private sealed class ToolBlock(string? id, string? name)
    {
        public string? Id { get; } = id;

        public string? Name { get; } = name;

        public StringBuilder Json { get; } = new();
    }
}

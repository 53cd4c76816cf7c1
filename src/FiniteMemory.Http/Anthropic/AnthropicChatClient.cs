using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
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

    /// <summary>The backend's registered name.</summary>
    internal const string BackendName = "anthropic";

    private static readonly HostedProvider Provider = new(BackendName, ProviderName, AnthropicChatClientOptions.DefaultEndpoint, "claude-sonnet-4-5", [ApiKeyVariable]);

    private readonly Uri _messagesUri;
    private readonly AnthropicChatClientOptions _settings;

    /// <summary>Creates the client.</summary>
    /// <param name="settings">Model (required), endpoint, key, timeout, retries and options.</param>
    /// <param name="handler">The handler under the resilience layer (a proxy, a test double); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="BackendConfigurationException">No model, no API key, or a setting out of range; the message names the fix.</exception>
    public AnthropicChatClient(AnthropicChatClientOptions settings, HttpMessageHandler? handler = null)
        : this(settings, handler, TimeProvider.System)
    {
    }

    /// <summary>Creates the client with the clock its retries, attempt timeouts and stream idle timeout wait on (tests pass a fake one).</summary>
    internal AnthropicChatClient(AnthropicChatClientOptions settings, HttpMessageHandler? handler, TimeProvider time)
        : base(Provider, settings, handler, time)
    {
        _settings = settings;
        _messagesUri = BackendHttp.Combine(Endpoint, "v1/messages");
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = AnthropicRequestBuilder.Build(messages, options, ModelFor(options), _settings.MaxTokens, stream: false);
        using var request = CreateRequest(body, streaming: false);
        using var response = await Connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        var answer = await Connection.ReadJsonAsync(response, AnthropicJsonContext.Default.AnthropicResponse, cancellationToken).ConfigureAwait(false);
        return OutputLimit.Checked(ProviderName, new AnthropicResponseReader(Connection.Redactor).ToChatResponse(answer), body.MaxTokens);
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
        var reader = new AnthropicResponseReader(Connection.Redactor);
        var limit = OutputLimit.For(ProviderName, body.MaxTokens);
        await foreach (var item in Connection.ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            var e = Connection.ParseEvent(item, AnthropicJsonContext.Default.AnthropicStreamEvent);
            if (reader.Read(e, item.EventType) is { } update)
            {
                limit?.Add(update);
                yield return update;
            }

            if (reader.Stopped)
            {
                yield break;
            }
        }

        throw BackendStreamException.EndedEarly(ProviderName, "message_stop");
    }

    private HttpRequestMessage CreateRequest(AnthropicRequest body, bool streaming)
    {
        var request = ProviderConnection.PostJson(_messagesUri, body, AnthropicJsonContext.Default.AnthropicRequest);
        request.Headers.Add("x-api-key", ApiKey);
        request.Headers.Add("anthropic-version", _settings.AnthropicVersion);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(streaming ? "text/event-stream" : "application/json"));
        return request;
    }
}

using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Gemini;

/// <summary>
/// Google's Gemini API (generateContent / streamGenerateContent) as an <see cref="IChatClient"/>: roles
/// <c>user</c> and <c>model</c>, system messages as <c>systemInstruction</c>, tool calls and results as
/// <c>functionCall</c> / <c>functionResponse</c> parts. A blocked prompt is an error naming the reason; a stream
/// that ends before a chunk with a <c>finishReason</c> is an error.
/// </summary>
/// <remarks>
/// <para>
/// Thought signatures are kept the way Google's own M.E.AI adapter keeps them: a part's <c>thoughtSignature</c>
/// becomes a <see cref="TextReasoningContent"/> with empty text and the signature in
/// <see cref="TextReasoningContent.ProtectedData"/>, right after the content of that part (a function call, a text,
/// or nothing when a streamed part carried only the signature); a thought part (<c>"thought": true</c>) becomes a
/// <see cref="TextReasoningContent"/> with its summary text and its signature.
/// </para>
/// <para>
/// Sent back in a model message, a signature-only reasoning content goes into the part of the content before it,
/// so each signature returns in the part it came in (Gemini 3 rejects a function call without its signature; with
/// parallel calls only the first carries one). A signed thought goes back as a thought part. Reasoning without
/// <see cref="TextReasoningContent.ProtectedData"/> (a thought summary, another provider's reasoning) is not sent.
/// </para>
/// </remarks>
public sealed class GeminiChatClient : HostedChatClient
{
    /// <summary>The provider's display name.</summary>
    public const string ProviderName = "Gemini";

    private static readonly string[] KeyVariables = ["GEMINI_API_KEY", "GOOGLE_API_KEY"];

    /// <summary>The backend's registered name.</summary>
    internal const string BackendName = "gemini";

    private static readonly HostedProvider Provider = new(BackendName, ProviderName, GeminiChatClientOptions.DefaultEndpoint, "gemini-2.5-flash", KeyVariables);

    private readonly Uri _generateUri;
    private readonly Uri _streamUri;

    /// <summary>Creates the client.</summary>
    /// <param name="settings">Model (required), endpoint, key, timeout, retries and options.</param>
    /// <param name="handler">The handler under the resilience layer (a proxy, a test double); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="BackendConfigurationException">No model, no API key, or a setting out of range; the message names the fix.</exception>
    public GeminiChatClient(GeminiChatClientOptions settings, HttpMessageHandler? handler = null)
        : base(Provider, settings, handler)
    {
        var models = BackendHttp.Combine(Endpoint, $"{settings.ApiVersion.Trim('/')}/models/");
        _generateUri = MethodUri(models, Metadata.DefaultModelId!, streaming: false);
        _streamUri = MethodUri(models, Metadata.DefaultModelId!, streaming: true);
    }

    /// <summary>The environment variables the API key is read from when none is configured, in order.</summary>
    public static IReadOnlyList<string> ApiKeyVariables => KeyVariables;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(UriFor(options, streaming: false), GeminiRequestBuilder.Build(messages, options), streaming: false);
        using var response = await Connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        var answer = await Connection.ReadJsonAsync(response, GeminiJsonContext.Default.GeminiResponse, cancellationToken).ConfigureAwait(false);
        ThrowIfBlocked(answer);
        var candidate = answer.Candidates?.FirstOrDefault();
        var contents = Contents(candidate?.Content, new CallIds());
        var result = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = answer.ResponseId })
        {
            ResponseId = answer.ResponseId,
            ModelId = answer.ModelVersion ?? ModelFor(options),
            FinishReason = FinishReason(candidate?.FinishReason, contents.Any(static c => c is FunctionCallContent)),
            Usage = Usage(answer.UsageMetadata),
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
        using var request = CreateRequest(UriFor(options, streaming: true), GeminiRequestBuilder.Build(messages, options), streaming: true);
        using var response = await Connection.SendAsync(request, streaming: true, cancellationToken).ConfigureAwait(false);
        var ids = new CallIds();
        GeminiUsage? usage = null;
        string? responseId = null, model = null;
        bool finished = false, calls = false;
        var limit = OutputLimit.For(ProviderName, options?.MaxOutputTokens);
        await foreach (var item in Connection.ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            var chunk = Connection.ParseEvent(item, GeminiJsonContext.Default.GeminiResponse);
            if (chunk.Error is { } error)
            {
                throw new BackendStreamException(ProviderName, $"{ProviderName} sent an error mid-stream ({Connection.Redactor.Redact(error.Status ?? error.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "error")}): {Connection.Redactor.Redact(error.Message)} The response is incomplete.");
            }

            ThrowIfBlocked(chunk);
            usage = chunk.UsageMetadata ?? usage;
            responseId ??= chunk.ResponseId;
            model ??= chunk.ModelVersion;
            var candidate = chunk.Candidates?.FirstOrDefault();
            var contents = Contents(candidate?.Content, ids);
            calls |= contents.Any(static c => c is FunctionCallContent);
            var update = new ChatResponseUpdate(ChatRole.Assistant, contents) { ResponseId = responseId, MessageId = responseId, ModelId = model };
            if (candidate?.FinishReason is { } reason)
            {
                finished = true;
                update.FinishReason = FinishReason(reason, calls);
            }

            if (contents.Count > 0 || update.FinishReason is not null)
            {
                limit?.Add(update);
                yield return update;
            }
        }

        if (!finished)
        {
            throw BackendStreamException.EndedBefore(ProviderName, "a chunk with a finishReason");
        }

        if (Usage(usage) is { } details)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(details)]) { ResponseId = responseId, MessageId = responseId, ModelId = model };
        }
    }

    // Gemini says STOP after function calls too.
    internal static ChatFinishReason? FinishReason(string? reason, bool calledFunctions) => reason switch
    {
        null or "FINISH_REASON_UNSPECIFIED" => null,
        "STOP" when calledFunctions => ChatFinishReason.ToolCalls,
        "STOP" => ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    // promptTokenCount already includes the cached part; thoughts are billed as output.
    internal static UsageDetails? Usage(GeminiUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.PromptTokenCount,
        OutputTokenCount = usage.CandidatesTokenCount is null && usage.ThoughtsTokenCount is null ? null : (usage.CandidatesTokenCount ?? 0) + (usage.ThoughtsTokenCount ?? 0),
        TotalTokenCount = usage.TotalTokenCount,
        CachedInputTokenCount = usage.CachedContentTokenCount,
        ReasoningTokenCount = usage.ThoughtsTokenCount,
    };

    private static string ModelName(string model) => model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;

    private Uri UriFor(ChatOptions? options, bool streaming)
    {
        if (options?.ModelId is not { Length: > 0 } model || model == Metadata.DefaultModelId)
        {
            return streaming ? _streamUri : _generateUri;
        }

        return MethodUri(new Uri(_generateUri, "./"), model, streaming);
    }

    // "./" keeps "gemini-x:generateContent" from parsing as a URI with the scheme "gemini-x".
    private static Uri MethodUri(Uri models, string model, bool streaming) =>
        new(models, $"./{Uri.EscapeDataString(ModelName(model))}:{(streaming ? "streamGenerateContent?alt=sse" : "generateContent")}");

    private HttpRequestMessage CreateRequest(Uri uri, GeminiRequest body, bool streaming)
    {
        var request = ProviderConnection.PostJson(uri, body, GeminiJsonContext.Default.GeminiRequest);
        request.Headers.Add("x-goog-api-key", ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(streaming ? "text/event-stream" : "application/json"));
        return request;
    }

    private void ThrowIfBlocked(GeminiResponse answer)
    {
        if (answer.PromptFeedback?.BlockReason is { } reason && (answer.Candidates is null || answer.Candidates.Count == 0))
        {
            var detail = answer.PromptFeedback.BlockReasonMessage is { Length: > 0 } m ? $" ({Connection.Redactor.Redact(m)})" : string.Empty;
            throw new BackendHttpException(
                ProviderName,
                statusCode: 200,
                providerMessage: reason,
                requestId: answer.ResponseId,
                $"{ProviderName} blocked the prompt: blockReason {reason}{detail}. Rephrase the request, or relax the safety settings of the Gemini project.");
        }
    }

    // A part's thoughtSignature follows its content as a signature-only TextReasoningContent, the convention of Google's
    // own M.E.AI adapter; a thought part keeps its signature on its own reasoning content.
    private List<AIContent> Contents(GeminiContent? content, CallIds ids)
    {
        var result = new List<AIContent>();
        foreach (var part in content?.Parts ?? [])
        {
            var signature = string.IsNullOrEmpty(part.ThoughtSignature) ? null : part.ThoughtSignature;
            if (part.FunctionCall is { } call)
            {
                Dictionary<string, object?> arguments;
                try
                {
                    arguments = ProviderJson.ArgumentsFromJson(call.Args ?? default);
                }
                catch (JsonException ex)
                {
                    throw new BackendHttpException(ProviderName, null, null, null, $"{ProviderName} sent function '{Connection.Redactor.Redact(call.Name)}' arguments that are not a JSON object: {Connection.Redactor.Redact(ExceptionText.Describe(ex))}.", Connection.Redactor.Clean(ex));
                }

                result.Add(new FunctionCallContent(call.Id ?? ids.Next(call.Name), call.Name, arguments));
            }
            else if (part.Thought == true)
            {
                if (!string.IsNullOrEmpty(part.Text) || signature is not null)
                {
                    result.Add(new TextReasoningContent(part.Text) { ProtectedData = signature });
                }

                continue;
            }
            else if (part.Text is { Length: > 0 } text)
            {
                result.Add(new TextContent(text));
            }

            // Also a part with nothing but a signature, as a stream's last text part may be.
            if (signature is not null)
            {
                result.Add(new TextReasoningContent(string.Empty) { ProtectedData = signature });
            }
        }

        return result;
    }

    // Gemini may send calls without ids; M.E.AI needs one to pair a call with its result.
    private sealed class CallIds
    {
        private int _count;

        public string Next(string name) => $"{GeminiRequestBuilder.GeneratedIdPrefix}{++_count}-{name}";
    }
}

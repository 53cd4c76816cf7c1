using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
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
        var result = new GeminiResponseReader(Connection.Redactor).ToChatResponse(answer, ModelFor(options));
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
        var reader = new GeminiResponseReader(Connection.Redactor);
        var limit = OutputLimit.For(ProviderName, options?.MaxOutputTokens);
        await foreach (var item in Connection.ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            if (reader.Read(Connection.ParseEvent(item, GeminiJsonContext.Default.GeminiResponse)) is { } update)
            {
                limit?.Add(update);
                yield return update;
            }
        }

        if (reader.Complete() is { } usage)
        {
            yield return usage;
        }
    }

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
}

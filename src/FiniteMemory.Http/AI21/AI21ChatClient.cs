using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.AI21;

/// <summary>
/// An <see cref="IChatClient"/> for AI21's Jamba models through the AI21 Studio chat-completions API
/// (<c>POST /studio/v1/chat/completions</c>): system, user, assistant and tool messages, function calling,
/// temperature / max tokens / top-p / stop, usage, and streaming as server-sent events ending in <c>[DONE]</c>.
/// </summary>
/// <remarks>
/// Requests go through <see cref="ResilientHttpHandler"/> (per-attempt timeout, retries on 429 / 5xx with
/// backoff honouring <c>Retry-After</c>, none on 400 / 401 / 403). Errors are <see cref="BackendHttpException"/>s
/// carrying AI21's message and never the API key; a stream that ends without <c>[DONE]</c> is a
/// <see cref="BackendStreamException"/>.
/// </remarks>
public sealed class AI21ChatClient : IChatClient
{
    /// <summary>The provider's name in errors.</summary>
    public const string ProviderName = "AI21";

    /// <summary>The environment variable the API key is read from when settings give none.</summary>
    public const string ApiKeyVariable = "AI21_API_KEY";

    /// <summary>The API's default base address.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.ai21.com/");

    private readonly ProviderConnection _connection;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly Uri _completions;
    private readonly string _model;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates a client from settings.</summary>
    /// <exception cref="BackendConfigurationException">No model, or no API key.</exception>
    public AI21ChatClient(AI21Settings settings)
        : this(settings, resilience: null, handler: null)
    {
    }

    /// <summary>Creates a client from settings, with explicit resilience options and transport.</summary>
    /// <param name="settings">Model, endpoint, key, timeout and retries.</param>
    /// <param name="resilience">Timeouts and retries; <see cref="AI21Settings.Timeout"/> and <see cref="AI21Settings.MaxRetries"/> override it. Default <see cref="ResilienceOptions.Default"/>.</param>
    /// <param name="handler">The handler that sends requests (tests pass their own); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="BackendConfigurationException">No model, or no API key.</exception>
    public AI21ChatClient(AI21Settings settings, ResilienceOptions? resilience, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(settings.Model))
        {
            throw new BackendConfigurationException("ai21", "model", "Backend 'ai21' needs a model: set model to jamba-large or jamba-mini (fmem: --model jamba-mini).");
        }

        var key = ApiKeys.Resolve(settings.ApiKey, ProviderName, ApiKeyVariable);
        _model = settings.Model.Trim();
        var endpoint = ProviderEndpoints.Base(settings.Endpoint ?? DefaultEndpoint);
        _completions = new Uri(endpoint, "studio/v1/chat/completions");
        _authorization = new AuthenticationHeaderValue("Bearer", key);
        var options = BackendHttp.Options("ai21", settings.Timeout, settings.MaxRetries, resilience);
        _connection = new ProviderConnection(ProviderName, BackendHttp.CreateClient(ProviderName, options, handler), key, ApiKeyVariable);
        _metadata = new ChatClientMetadata("ai21", endpoint, _model);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var model = ModelFor(options);
        using var request = Request(AI21Requests.Create(messages, options, model, stream: false));
        using var response = await _connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        var body = await _connection.ReadJsonAsync(response, AI21JsonContext.Default.AI21ChatResponse, cancellationToken).ConfigureAwait(false);
        return AI21Responses.ToChatResponse(body, model)
            ?? throw new BackendHttpException(ProviderName, (int)response.StatusCode, null, null, "AI21 returned a response without any choice (no message to read). Check that the endpoint is AI21's chat-completions API.");
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var model = ModelFor(options);
        using var request = Request(AI21Requests.Create(messages, options, model, stream: true));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await _connection.SendAsync(request, streaming: true, cancellationToken).ConfigureAwait(false);
        var state = new AI21StreamState(model);
        var done = false;
        await foreach (var item in _connection.ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            if (item.Data.AsSpan().Trim().SequenceEqual("[DONE]"))
            {
                done = true;
                break;
            }

            if (string.IsNullOrWhiteSpace(item.Data))
            {
                continue;
            }

            foreach (var update in state.Accept(_connection.ParseEvent(item, AI21JsonContext.Default.AI21StreamChunk)))
            {
                yield return update;
            }
        }

        if (!done)
        {
            throw BackendStreamException.EndedEarly(ProviderName, "data: [DONE]");
        }

        if (state.Complete() is { } last)
        {
            yield return last;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private string ModelFor(ChatOptions? options) => string.IsNullOrWhiteSpace(options?.ModelId) ? _model : options.ModelId;

    private HttpRequestMessage Request(AI21ChatRequest body)
    {
        var request = ProviderConnection.PostJson(_completions, body, AI21JsonContext.Default.AI21ChatRequest);
        request.Headers.Authorization = _authorization;
        return request;
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FiniteMemory.Http;

/// <summary>
/// What a hosted backend needs to talk to its provider: the resilient <see cref="HttpClient"/>, the provider's
/// name and a redactor that knows its API key. Sends JSON, turns error statuses into
/// <see cref="BackendHttpException"/>, reads JSON bodies and server-sent events with errors that name the provider.
/// </summary>
internal sealed class ProviderConnection : IDisposable
{
    private readonly bool _ownsClient;

    /// <summary>Creates a connection.</summary>
    /// <param name="provider">The provider's display name (for example <c>Anthropic</c>).</param>
    /// <param name="http">The client to send with, normally from <see cref="BackendHttp.CreateClient"/>.</param>
    /// <param name="apiKey">The API key, only so that it can be scrubbed from errors.</param>
    /// <param name="apiKeyVariable">The environment variable a user checks on 401/403, if any.</param>
    /// <param name="ownsClient">Whether <see cref="Dispose"/> disposes <paramref name="http"/>.</param>
    public ProviderConnection(string provider, HttpClient http, string? apiKey, string? apiKeyVariable, bool ownsClient = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentNullException.ThrowIfNull(http);
        Provider = provider;
        Http = http;
        Redactor = new SecretRedactor(apiKey);
        ApiKeyVariable = apiKeyVariable;
        _ownsClient = ownsClient;
    }

    /// <summary>The provider's display name.</summary>
    public string Provider { get; }

    /// <summary>The client requests are sent with.</summary>
    public HttpClient Http { get; }

    /// <summary>Scrubs the API key from provider text.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>The environment variable named in 401/403 errors.</summary>
    public string? ApiKeyVariable { get; }

    /// <summary>
    /// How long a stream may go without an event before it counts as stalled (a <see cref="BackendStreamException"/>);
    /// infinite by default. Hosted clients set it to the per-attempt timeout: the attempt timeout ends when the
    /// headers arrive, and this keeps a stream that stops mid-way from hanging the caller.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>The setting named when a stream stalls.</summary>
    public string TimeoutSettingName { get; init; } = ResilienceOptions.Default.TimeoutSettingName;

    /// <summary>The clock <see cref="StreamIdleTimeout"/> is measured on: the one the retries and attempt timeouts wait on (tests pass a fake one).</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>A POST of <paramref name="body"/> as JSON (source-generated metadata, no reflection).</summary>
    public static HttpRequestMessage PostJson<T>(Uri uri, T body, JsonTypeInfo<T> typeInfo) =>
        new(HttpMethod.Post, uri) { Content = JsonContent.Create(body, typeInfo, new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }) };

    /// <summary>
    /// Sends <paramref name="request"/> (headers-first) and returns the successful response; an error status
    /// becomes a <see cref="BackendHttpException"/> with the provider's message.
    /// </summary>
    /// <param name="request">The request; marked as streaming when <paramref name="streaming"/> is set.</param>
    /// <param name="streaming">The body is a stream the caller reads as it arrives (not buffered by the retry handler).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool streaming, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(ResilientHttpHandler.StreamingResponse, streaming);
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await BackendHttpException.FromResponseAsync(Provider, response, Redactor, ApiKeyVariable, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a JSON body; a body that is not valid JSON (or not the documented shape) is a clear error.</summary>
    public async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(typeInfo);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false)
                    ?? throw new JsonException("The body is the JSON literal null.");
            }
        }
        catch (JsonException ex)
        {
            throw BackendHttpException.InvalidJson(Provider, (int)response.StatusCode, ex, Redactor);
        }
    }

    /// <summary>
    /// The server-sent events of a streamed response, parsed by <see cref="SseParser"/>. A connection that breaks
    /// mid-way becomes a <see cref="BackendStreamException"/>; whether the stream ended before its terminal event
    /// is for the caller to check (each provider names it differently).
    /// </summary>
    public async IAsyncEnumerable<SseItem<string>> ReadEventsAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        // Cancelled by the caller's token or by the idle timer, which runs on the connection's clock.
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, TimeProvider);
        using var caller = cancellationToken.Register(static source => ((CancellationTokenSource)source!).Cancel(), idle);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var events = SseParser.Create(stream).EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
            await using (events.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        idle.CancelAfter(StreamIdleTimeout);
                        if (!await events.MoveNextAsync().ConfigureAwait(false))
                        {
                            yield break;
                        }

                        // Only the server's silence counts: the time the caller spends on an event does not.
                        idle.CancelAfter(Timeout.InfiniteTimeSpan);
                    }
                    catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && idle.IsCancellationRequested)
                    {
                        var seconds = StreamIdleTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
                        throw new BackendStreamException(Provider, $"{Provider}'s stream stalled: no event arrived for {seconds} s and the response is incomplete. Retry the request, or raise the {TimeoutSettingName} setting.", ex);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        throw BackendStreamException.Broken(Provider, ex, Redactor);
                    }

                    yield return events.Current;
                }
            }
        }
    }

    /// <summary>Parses one event's JSON data; data that is not valid JSON is a clear error naming the event.</summary>
    public T ParseEvent<T>(SseItem<string> item, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        try
        {
            return JsonSerializer.Deserialize(item.Data, typeInfo) ?? throw new JsonException("The event's data is the JSON literal null.");
        }
        catch (JsonException ex)
        {
            throw new BackendStreamException(Provider, $"{Provider} sent a stream event ('{Redactor.Redact(item.EventType)}') that is not valid JSON: {Redactor.Redact(ExceptionText.Describe(ex))}.", Redactor.Clean(ex));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            Http.Dispose();
        }
    }
}

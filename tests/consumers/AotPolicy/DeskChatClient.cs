using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace AotPolicy;

/// <summary>A custom backend as a user writes one: an <see cref="IChatClient"/> that posts the window to an HTTP service.</summary>
internal sealed class DeskChatClient : IChatClient
{
    /// <summary>The registered name.</summary>
    public const string BackendName = "desk";

    private readonly DeskSettings _settings;
    private readonly HttpClient _http;

    private DeskChatClient(DeskSettings settings, Uri endpoint)
    {
        _settings = settings;
        _http = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Registered by name: the generator adds this factory, with a binder for <see cref="DeskSettings"/>, to the assembly's registry.</summary>
    /// <exception cref="BackendConfigurationException">No endpoint is set.</exception>
    [Backend(BackendName, Description = "Posts the window to a desk service over HTTP and returns its answer.")]
    public static IChatClient Create(DeskSettings settings) =>
        new DeskChatClient(settings, settings.Endpoint ?? throw new BackendConfigurationException(BackendName, "endpoint", "The desk backend needs the service's address: set BackendSettings.Endpoint."));

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = new DeskRequest(_settings.Model, _settings.Persona, _settings.QuoteChars, [.. messages.Select(static m => new DeskMessage(m.Role.Value, m.Text))]);

        // Serialized up front so the request has a Content-Length (the desk service reads no chunked bodies).
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, DeskJson.Default.DeskRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(new Uri("answer", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The desk service answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        var reply = JsonSerializer.Deserialize(body, DeskJson.Default.DeskReply)
            ?? throw new InvalidDataException("The desk service answered with an empty body.");
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, reply.Text)) { ModelId = _settings.Model };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(BackendName, _http.BaseAddress, _settings.Model)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _http.Dispose();
}

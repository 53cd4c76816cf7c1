using Microsoft.Extensions.AI;

namespace FiniteMemory.Http;

/// <summary>
/// The shape every hosted backend of this package shares: a <see cref="ProviderConnection"/> to send through,
/// the <see cref="ChatClientMetadata"/> it reports, and the model chosen per request. Only this package derives from it.
/// </summary>
public abstract class HostedChatClient : IChatClient
{
    /// <summary>Creates the client.</summary>
    /// <param name="connection">The provider connection (owned: disposed with the client).</param>
    /// <param name="metadata">Provider name, endpoint and default model.</param>
    private protected HostedChatClient(ProviderConnection connection, ChatClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(metadata);
        Connection = connection;
        Metadata = metadata;
    }

    /// <summary>
    /// Creates the client from its settings: the model (required), the API key (configured, else the provider's
    /// environment variables), the endpoint (else the public one) and the resilience options.
    /// </summary>
    /// <param name="provider">The backend's names, defaults and key variables.</param>
    /// <param name="settings">The configured settings.</param>
    /// <param name="handler">The handler under the resilience layer (a proxy, a test double); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="FiniteMemory.Backends.BackendConfigurationException">No model, no API key, or a setting out of range; the message names the fix.</exception>
    private protected HostedChatClient(HostedProvider provider, HostedChatClientOptions settings, HttpMessageHandler? handler)
        : this(provider, settings, handler, TimeProvider.System)
    {
    }

    /// <summary>Creates the client with the clock its retries, attempt timeouts and stream idle timeout wait on (tests pass a fake one).</summary>
    private protected HostedChatClient(HostedProvider provider, HostedChatClientOptions settings, HttpMessageHandler? handler, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        var model = settings.RequireModel(provider.Backend, provider.ExampleModel);
        var variables = provider.KeyVariables.ToArray();
        ApiKey = ApiKeys.Resolve(settings.ApiKey, provider.DisplayName, variables);
        var resilience = settings.ToResilienceOptions(provider.Backend) with { TimeProvider = time };
        var http = BackendHttp.CreateClient(provider.DisplayName, resilience, handler);
        Connection = new ProviderConnection(provider.DisplayName, http, ApiKey, variables.Length == 0 ? null : string.Join(" or ", variables))
        {
            StreamIdleTimeout = resilience.AttemptTimeout,
            TimeoutSettingName = resilience.TimeoutSettingName,
            TimeProvider = time,
        };
        Metadata = new ChatClientMetadata(provider.Backend, settings.Endpoint ?? provider.DefaultEndpoint, model);
    }

    /// <summary>Provider name, endpoint and default model.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <summary>The endpoint requests go to (<see cref="ChatClientMetadata.ProviderUri"/>).</summary>
    protected Uri Endpoint => Metadata.ProviderUri!;

    /// <summary>The API key, for the request's auth header only. Never logged or put in a message.</summary>
    protected string? ApiKey { get; }

    /// <summary>The connection requests go through.</summary>
    private protected ProviderConnection Connection { get; }

    /// <inheritdoc />
    public abstract Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public abstract IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The model for one request: <see cref="ChatOptions.ModelId"/> when set, else the configured one.</summary>
    protected string ModelFor(ChatOptions? options) =>
        options?.ModelId is { Length: > 0 } model ? model : Metadata.DefaultModelId ?? throw new InvalidOperationException($"{Connection.Provider}: no model is configured and ChatOptions.ModelId is not set.");

    /// <summary>Releases the connection.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Connection.Dispose();
        }
    }
}

using Microsoft.Extensions.AI;

namespace FiniteMemory.Http;

/// <summary>
/// The shape every hosted backend of this package shares: a <see cref="ProviderConnection"/> to send through,
/// the <see cref="ChatClientMetadata"/> it reports, and the model chosen per request.
/// </summary>
public abstract class HostedChatClient : IChatClient
{
    /// <summary>Creates the client.</summary>
    /// <param name="connection">The provider connection (owned: disposed with the client).</param>
    /// <param name="metadata">Provider name, endpoint and default model.</param>
    protected HostedChatClient(ProviderConnection connection, ChatClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(metadata);
        Connection = connection;
        Metadata = metadata;
    }

    /// <summary>Provider name, endpoint and default model.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <summary>The connection requests go through.</summary>
    protected ProviderConnection Connection { get; }

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

using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
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
        var result = new CohereResponseReader(Connection.Redactor, ModelFor(options)).ToChatResponse(answer, (int)response.StatusCode);
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
        var reader = new CohereResponseReader(Connection.Redactor, model);
        var limit = OutputLimit.For(ProviderName, options?.MaxOutputTokens);
        await foreach (var item in Connection.ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            if (reader.Read(Connection.ParseEvent(item, CohereJsonContext.Default.CohereStreamEvent), item.EventType) is { } update)
            {
                limit?.Add(update);
                yield return update;
            }

            if (reader.Ended)
            {
                yield break;
            }
        }

        throw BackendStreamException.EndedEarly(ProviderName, "message-end");
    }

    private HttpRequestMessage CreateRequest(CohereRequest body, bool streaming)
    {
        var request = ProviderConnection.PostJson(_chatUri, body, CohereJsonContext.Default.CohereRequest);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(streaming ? "text/event-stream" : "application/json"));
        return request;
    }
}

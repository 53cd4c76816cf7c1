using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.AI21;

/// <summary>
/// An <see cref="IChatClient"/> for AI21's Jamba models through the AI21 Studio chat-completions API
/// (<c>POST {endpoint}/studio/v1/chat/completions</c>, Bearer key): system, user, assistant and tool messages,
/// function calling, temperature / max tokens / top-p / stop, usage, and streaming as server-sent events ending
/// in <c>data: [DONE]</c> (a stream without it is a <see cref="BackendStreamException"/>).
/// </summary>
/// <remarks>AI21 has no <c>tool_choice</c>: <see cref="ChatToolMode.RequireAny"/> sends the tools and leaves the choice to the model; <see cref="ChatToolMode.None"/> sends no tools.</remarks>
public sealed class AI21ChatClient : HostedChatClient
{
    /// <summary>The provider's display name.</summary>
    public const string ProviderName = "AI21";

    /// <summary>The environment variable the API key is read from when none is configured.</summary>
    public const string ApiKeyVariable = "AI21_API_KEY";

    /// <summary>The backend's registered name.</summary>
    internal const string BackendName = "ai21";

    private static readonly HostedProvider Provider = new(BackendName, ProviderName, AI21ChatClientOptions.DefaultEndpoint, "jamba-mini or jamba-large", [ApiKeyVariable]);

    private readonly Uri _completions;
    private readonly AuthenticationHeaderValue _authorization;

    /// <summary>Creates the client.</summary>
    /// <param name="settings">Model (required), endpoint, key, timeout and retries.</param>
    /// <param name="handler">The handler under the resilience layer (a proxy, a test double); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="BackendConfigurationException">No model, no API key, or a setting out of range; the message names the fix.</exception>
    public AI21ChatClient(AI21ChatClientOptions settings, HttpMessageHandler? handler = null)
        : base(Provider, settings, handler)
    {
        _completions = BackendHttp.Combine(Endpoint, "studio/v1/chat/completions");
        _authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var model = ModelFor(options);
        using var request = CreateRequest(AI21RequestBuilder.Build(messages, options, model, stream: false));
        using var response = await Connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        var body = await Connection.ReadJsonAsync(response, AI21JsonContext.Default.AI21ChatResponse, cancellationToken).ConfigureAwait(false);
        var result = AI21ResponseReader.ToChatResponse(body, model)
            ?? throw new BackendHttpException(ProviderName, (int)response.StatusCode, null, null, "AI21 returned a response without any choice (no message to read). Check that the endpoint is AI21's chat-completions API.");
        return OutputLimit.Checked(ProviderName, result, options?.MaxOutputTokens);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var model = ModelFor(options);
        using var request = CreateRequest(AI21RequestBuilder.Build(messages, options, model, stream: true));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await Connection.SendAsync(request, streaming: true, cancellationToken).ConfigureAwait(false);
        var reader = new AI21ResponseReader(model);
        var done = false;
        var limit = OutputLimit.For(ProviderName, options?.MaxOutputTokens);
        await foreach (var item in Connection.ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
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

            foreach (var update in reader.Accept(Connection.ParseEvent(item, AI21JsonContext.Default.AI21StreamChunk)))
            {
                limit?.Add(update);
                yield return update;
            }
        }

        if (!done)
        {
            throw BackendStreamException.EndedEarly(ProviderName, "data: [DONE]");
        }

        if (reader.Complete() is { } last)
        {
            yield return last;
        }
    }

    private HttpRequestMessage CreateRequest(AI21ChatRequest body)
    {
        var request = ProviderConnection.PostJson(_completions, body, AI21JsonContext.Default.AI21ChatRequest);
        request.Headers.Authorization = _authorization;
        return request;
    }
}

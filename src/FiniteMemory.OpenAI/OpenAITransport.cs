using System.ClientModel.Primitives;
using FiniteMemory.Http;

namespace FiniteMemory.OpenAI;

/// <summary>
/// The SDK's HTTP transport over FiniteMemory's resilient <see cref="HttpClient"/>. It marks streamed requests so
/// that the resilient handler hands their body over as it arrives (and never retries a stream the caller has begun
/// to read) instead of buffering it, and sends no Authorization header to a server that takes no key.
/// </summary>
internal sealed class OpenAITransport(HttpClient client, bool sendsKey) : HttpClientPipelineTransport(client)
{
    /// <summary>
    /// Called when a response's headers arrive, in the async flow that sent the request. The SDK sends a streamed
    /// request inside the first step of its enumerator, so this is how <see cref="OpenAIChatClient"/> learns that
    /// the retried, timed part is over and the wait for events begins.
    /// </summary>
    public static AsyncLocal<Action?> ResponseStarted { get; } = new();

    protected override void OnReceivedResponse(PipelineMessage message, HttpResponseMessage httpResponse)
    {
        base.OnReceivedResponse(message, httpResponse);
        ResponseStarted.Value?.Invoke();
    }

    protected override void OnSendingRequest(PipelineMessage message, HttpRequestMessage httpRequest)
    {
        base.OnSendingRequest(message, httpRequest);
        if (!sendsKey)
        {
            httpRequest.Headers.Authorization = null;
        }

        if (!message.BufferResponse)
        {
            httpRequest.Options.Set(ResilientHttpHandler.StreamingResponse, true);
        }
    }
}

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

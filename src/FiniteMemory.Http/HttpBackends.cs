using FiniteMemory.Backends;
using FiniteMemory.Http.AI21;
using FiniteMemory.Http.Anthropic;
using FiniteMemory.Http.Cohere;
using FiniteMemory.Http.Gemini;
using FiniteMemory.Http.Replicate;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http;

/// <summary>
/// The hosted backends of this package, registered by name for <c>ChatBackends.Create</c> and <c>fmem chat --backend</c>:
/// <c>anthropic</c>, <c>gemini</c>, <c>cohere</c>, <c>ai21</c> and <c>replicate</c>. Each creates its provider's chat
/// client from the options configuration binds.
/// </summary>
public static class HttpBackends
{
    /// <summary>The <c>anthropic</c> backend (<see cref="AnthropicChatClient"/>): Claude models through the Messages API.</summary>
    [Backend(AnthropicChatClient.BackendName, Description = "Anthropic Messages API (Claude): POST {endpoint}/v1/messages with x-api-key (ANTHROPIC_API_KEY); streams over SSE.")]
    public static IChatClient CreateAnthropic(AnthropicChatClientOptions options) => new AnthropicChatClient(options);

    /// <summary>The <c>gemini</c> backend (<see cref="GeminiChatClient"/>): Gemini models through generateContent.</summary>
    [Backend(GeminiChatClient.BackendName, Description = "Google Gemini API: POST {endpoint}/v1beta/models/{model}:generateContent (streamGenerateContent?alt=sse) with x-goog-api-key (GEMINI_API_KEY, GOOGLE_API_KEY).")]
    public static IChatClient CreateGemini(GeminiChatClientOptions options) => new GeminiChatClient(options);

    /// <summary>The <c>cohere</c> backend (<see cref="CohereChatClient"/>): Command models through the v2 chat API.</summary>
    [Backend(CohereChatClient.BackendName, Description = "Cohere v2 chat: POST {endpoint}/v2/chat with a Bearer key (CO_API_KEY, COHERE_API_KEY); streams over SSE.")]
    public static IChatClient CreateCohere(CohereChatClientOptions options) => new CohereChatClient(options);

    /// <summary>The <c>ai21</c> backend (<see cref="AI21ChatClient"/>): Jamba models through AI21 Studio.</summary>
    [Backend(AI21ChatClient.BackendName, Description = "AI21 Studio chat completions (Jamba): POST {endpoint}/studio/v1/chat/completions with a Bearer key (AI21_API_KEY); streams over SSE.")]
    public static IChatClient CreateAI21(AI21ChatClientOptions options) => new AI21ChatClient(options);

    /// <summary>The <c>replicate</c> backend (<see cref="ReplicateChatClient"/>): language models hosted on Replicate.</summary>
    [Backend(ReplicateChatClient.BackendName, Description = "Replicate language models (owner/name[:version]): a prediction created with a Bearer token (REPLICATE_API_TOKEN), then streamed over SSE or polled.")]
    public static IChatClient CreateReplicate(ReplicateChatClientOptions options) => new ReplicateChatClient(options);
}

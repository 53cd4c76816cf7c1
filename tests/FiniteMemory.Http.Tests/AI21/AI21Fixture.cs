using FiniteMemory.Http.AI21;
using FiniteMemory.Http.Tests.Fakes;
using FiniteMemory.Http.Tests.Support;

namespace FiniteMemory.Http.Tests.AI21;

/// <summary>AI21's documented response shapes, and a client pointed at a fake server.</summary>
internal static class AI21Fixture
{
    public const string Key = "ai21-test-key-0123456789";

    public static AI21ChatClient Client(FakeServer server, int maxRetries = 3, string model = "jamba-mini", Uri? endpoint = null) => new(new AI21ChatClientOptions
    {
        Model = model,
        Endpoint = endpoint ?? server.BaseAddress,
        ApiKey = Key,
        Timeout = TimeSpan.FromSeconds(60), // only a hang guard: no test waits for it
        MaxRetries = maxRetries,
        RetryDelay = Conversations.QuickRetry,
    });

    public static string Completion(string content, string finishReason = "stop", string toolCalls = "null") => $$"""
        {
          "id": "chat-3a1f",
          "choices": [
            {
              "index": 0,
              "message": { "role": "assistant", "content": {{(content is null ? "null" : System.Text.Json.JsonSerializer.Serialize(content))}}, "tool_calls": {{toolCalls}} },
              "logprobs": null,
              "finish_reason": "{{finishReason}}"
            }
          ],
          "usage": { "prompt_tokens": 31, "completion_tokens": 7, "total_tokens": 38 },
          "meta": { "requestDurationMillis": 412 },
          "model": "jamba-mini-1.6-2025-03"
        }
        """;

    /// <summary>A stream as AI21 writes it: role first, content deltas, then finish reason and usage, then [DONE].</summary>
    public static SseEvent[] Stream(bool done, params string[] pieces)
    {
        var events = new List<SseEvent>
        {
            SseEvent.Unnamed("""{"id":"chat-s1","choices":[{"index":0,"delta":{"role":"assistant"},"logprobs":null,"finish_reason":null}],"usage":null}"""),
        };
        foreach (var piece in pieces)
        {
            events.Add(SseEvent.Unnamed($$"""{"id":"chat-s1","choices":[{"index":0,"delta":{"content":{{System.Text.Json.JsonSerializer.Serialize(piece)}}},"logprobs":null,"finish_reason":null}],"usage":null}"""));
        }

        if (done)
        {
            events.Add(SseEvent.Unnamed("""{"id":"chat-s1","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16}}"""));
            events.Add(SseEvent.Unnamed("[DONE]"));
        }

        return [.. events];
    }
}

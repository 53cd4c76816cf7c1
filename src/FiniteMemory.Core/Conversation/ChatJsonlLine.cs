using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory;

/// <summary>One line of an OpenAI-style chat transcript in JSON Lines form.</summary>
internal sealed class ChatJsonlLine
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("content")]
    public JsonElement? Content { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("tool_calls")]
    public List<ChatJsonlToolCall?>? ToolCalls { get; set; }

    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }

    [JsonPropertyName("id")]
    public JsonElement? Id { get; set; }

    [JsonPropertyName("pinned")]
    public bool? Pinned { get; set; }
}

/// <summary>A tool call of an assistant line.</summary>
internal sealed class ChatJsonlToolCall
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("function")]
    public ChatJsonlFunction? Function { get; set; }
}

/// <summary>The function of a tool call; <see cref="Arguments"/> is a JSON-encoded string, as OpenAI sends it.</summary>
internal sealed class ChatJsonlFunction
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("arguments")]
    public string? Arguments { get; set; }
}

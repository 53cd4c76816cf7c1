using System.Text.Json;

namespace FiniteMemory.Http.Cohere;

// Cohere's v2 chat JSON (https://docs.cohere.com/reference/chat and chat-stream), as much of it as the client
// reads or writes. Property names become snake_case through CohereJsonContext; null members are not written.

internal sealed class CohereRequest
{
    public required string Model { get; set; }

    public required List<CohereMessage> Messages { get; set; }

    public List<ToolWire>? Tools { get; set; }

    public string? ToolChoice { get; set; }

    public double? Temperature { get; set; }

    public int? MaxTokens { get; set; }

    public List<string>? StopSequences { get; set; }

    public double? P { get; set; }

    public int? K { get; set; }

    public long? Seed { get; set; }

    public double? FrequencyPenalty { get; set; }

    public double? PresencePenalty { get; set; }

    public CohereResponseFormat? ResponseFormat { get; set; }

    public bool? Stream { get; set; }
}

internal sealed class CohereResponseFormat
{
    public string Type { get; set; } = "json_object";

    public JsonElement? JsonSchema { get; set; }
}

internal sealed class CohereMessage
{
    public required string Role { get; set; }

    public string? Content { get; set; }

    public string? ToolPlan { get; set; }

    public List<ToolCallWire>? ToolCalls { get; set; }

    public string? ToolCallId { get; set; }
}

internal sealed class CohereResponse
{
    public string? Id { get; set; }

    public string? FinishReason { get; set; }

    public CohereResponseMessage? Message { get; set; }

    public CohereUsage? Usage { get; set; }
}

internal sealed class CohereResponseMessage
{
    public string? Role { get; set; }

    public List<CohereContentBlock>? Content { get; set; }

    public string? ToolPlan { get; set; }

    public List<ToolCallWire>? ToolCalls { get; set; }
}

internal sealed class CohereContentBlock
{
    public string? Type { get; set; }

    public string? Text { get; set; }
}

internal sealed class CohereUsage
{
    public CohereTokens? BilledUnits { get; set; }

    public CohereTokens? Tokens { get; set; }

    public long? CachedTokens { get; set; }
}

internal sealed class CohereTokens
{
    public double? InputTokens { get; set; }

    public double? OutputTokens { get; set; }
}

/// <summary>
/// One streamed event: message-start, content-start/delta/end, tool-plan-delta, tool-call-start/delta/end,
/// citation-start/end, message-end. <c>delta.message</c>'s members change shape between events (an array in
/// message-start, an object later), so they stay <see cref="JsonElement"/>s.
/// </summary>
internal sealed class CohereStreamEvent
{
    public string? Type { get; set; }

    public string? Id { get; set; }

    public int? Index { get; set; }

    public CohereStreamDelta? Delta { get; set; }
}

internal sealed class CohereStreamDelta
{
    public CohereStreamMessage? Message { get; set; }

    public string? FinishReason { get; set; }

    public CohereUsage? Usage { get; set; }

    public string? Error { get; set; }
}

internal sealed class CohereStreamMessage
{
    public JsonElement? Content { get; set; }

    public string? ToolPlan { get; set; }

    public JsonElement? ToolCalls { get; set; }
}

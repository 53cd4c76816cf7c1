using System.Text.Json;

namespace FiniteMemory.Http.Anthropic;

// The Messages API's JSON (https://docs.anthropic.com/en/api/messages), as much of it as the client reads or writes.
// Property names become snake_case through AnthropicJsonContext; null members are not written.

internal sealed class AnthropicRequest
{
    public required string Model { get; set; }

    public int MaxTokens { get; set; }

    public string? System { get; set; }

    public required List<AnthropicMessage> Messages { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public int? TopK { get; set; }

    public List<string>? StopSequences { get; set; }

    public List<AnthropicTool>? Tools { get; set; }

    public AnthropicToolChoice? ToolChoice { get; set; }

    public AnthropicThinking? Thinking { get; set; }

    public bool? Stream { get; set; }
}

/// <summary>Extended thinking: <c>{"type":"enabled","budget_tokens":N}</c>.</summary>
internal sealed class AnthropicThinking
{
    public string Type { get; set; } = "enabled";

    public int BudgetTokens { get; set; }
}

internal sealed class AnthropicMessage
{
    public required string Role { get; set; }

    public required List<AnthropicBlock> Content { get; set; }
}

/// <summary>
/// A content block: text, thinking, redacted_thinking, tool_use, tool_result or image (and, in responses, kinds
/// the client skips).
/// </summary>
internal sealed class AnthropicBlock
{
    public required string Type { get; set; }

    public string? Text { get; set; }

    /// <summary>A thinking block's reasoning text.</summary>
    public string? Thinking { get; set; }

    /// <summary>A thinking block's signature: opaque, sent back unchanged.</summary>
    public string? Signature { get; set; }

    /// <summary>A redacted_thinking block's encrypted reasoning: opaque, sent back unchanged.</summary>
    public string? Data { get; set; }

    public string? Id { get; set; }

    public string? Name { get; set; }

    public JsonElement? Input { get; set; }

    public string? ToolUseId { get; set; }

    /// <summary>A tool result's content: a string when the client writes it.</summary>
    public JsonElement? Content { get; set; }

    public bool? IsError { get; set; }

    public AnthropicImageSource? Source { get; set; }
}

internal sealed class AnthropicImageSource
{
    public string Type { get; set; } = "base64";

    public required string MediaType { get; set; }

    public required string Data { get; set; }
}

internal sealed class AnthropicTool
{
    public required string Name { get; set; }

    public string? Description { get; set; }

    public JsonElement InputSchema { get; set; }
}

internal sealed class AnthropicToolChoice
{
    public required string Type { get; set; }

    public string? Name { get; set; }

    public bool? DisableParallelToolUse { get; set; }
}

internal sealed class AnthropicResponse
{
    public string? Id { get; set; }

    public string? Type { get; set; }

    public string? Role { get; set; }

    public string? Model { get; set; }

    public List<AnthropicBlock>? Content { get; set; }

    public string? StopReason { get; set; }

    public string? StopSequence { get; set; }

    public AnthropicUsage? Usage { get; set; }
}

internal sealed class AnthropicUsage
{
    public long? InputTokens { get; set; }

    public long? OutputTokens { get; set; }

    public long? CacheCreationInputTokens { get; set; }

    public long? CacheReadInputTokens { get; set; }
}

/// <summary>One server-sent event's data: message_start, content_block_start/delta/stop, message_delta, message_stop, ping, error.</summary>
internal sealed class AnthropicStreamEvent
{
    public string? Type { get; set; }

    public AnthropicResponse? Message { get; set; }

    public int? Index { get; set; }

    public AnthropicBlock? ContentBlock { get; set; }

    public AnthropicDelta? Delta { get; set; }

    public AnthropicUsage? Usage { get; set; }

    public AnthropicError? Error { get; set; }
}

internal sealed class AnthropicDelta
{
    public string? Type { get; set; }

    public string? Text { get; set; }

    public string? PartialJson { get; set; }

    /// <summary>A thinking_delta's text.</summary>
    public string? Thinking { get; set; }

    /// <summary>A signature_delta's signature (the whole signature, sent just before the thinking block stops).</summary>
    public string? Signature { get; set; }

    public string? StopReason { get; set; }

    public string? StopSequence { get; set; }
}

internal sealed class AnthropicError
{
    public string? Type { get; set; }

    public string? Message { get; set; }
}

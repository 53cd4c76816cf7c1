using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory.Http.AI21;

// The AI21 Studio chat-completions wire format (POST /studio/v1/chat/completions), as documented by AI21 for
// the Jamba models. Only the fields FiniteMemory sends or reads are declared; unknown response fields are ignored.

/// <summary>The request body.</summary>
internal sealed class AI21ChatRequest
{
    public required string Model { get; init; }

    public required IReadOnlyList<AI21Message> Messages { get; init; }

    public IReadOnlyList<ToolWire>? Tools { get; init; }

    public int N { get; init; } = 1;

    public int? MaxTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public IReadOnlyList<string>? Stop { get; init; }

    public AI21ResponseFormat? ResponseFormat { get; init; }

    public bool? Stream { get; init; }
}

/// <summary>One message, request or response side: roles system, user, assistant and tool.</summary>
internal sealed class AI21Message
{
    public required string Role { get; init; }

    // Always written (null for an assistant turn that only calls tools), as AI21's examples do.
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; init; }

    public IReadOnlyList<ToolCallWire>? ToolCalls { get; init; }

    public string? ToolCallId { get; init; }
}

/// <summary><c>{"type": "text"}</c> or <c>{"type": "json_object"}</c>.</summary>
internal sealed class AI21ResponseFormat
{
    public required string Type { get; init; }
}

/// <summary>The response body of a non-streaming request.</summary>
internal sealed class AI21ChatResponse
{
    public string? Id { get; init; }

    public string? Model { get; init; }

    public IReadOnlyList<AI21Choice>? Choices { get; init; }

    public AI21Usage? Usage { get; init; }
}

/// <summary>One choice: a whole message, or (streaming) a delta of it.</summary>
internal sealed class AI21Choice
{
    public int Index { get; init; }

    public AI21Message? Message { get; init; }

    public AI21Delta? Delta { get; init; }

    public string? FinishReason { get; init; }
}

/// <summary>What one streamed chunk adds to the message.</summary>
internal sealed class AI21Delta
{
    public string? Role { get; init; }

    public string? Content { get; init; }

    public IReadOnlyList<ToolCallWire>? ToolCalls { get; init; }
}

/// <summary>Token counts as AI21 bills them.</summary>
internal sealed class AI21Usage
{
    public int? PromptTokens { get; init; }

    public int? CompletionTokens { get; init; }

    public int? TotalTokens { get; init; }
}

/// <summary>One <c>data:</c> chunk of a streamed response.</summary>
internal sealed class AI21StreamChunk
{
    public string? Id { get; init; }

    public string? Model { get; init; }

    public IReadOnlyList<AI21Choice>? Choices { get; init; }

    public AI21Usage? Usage { get; init; }
}

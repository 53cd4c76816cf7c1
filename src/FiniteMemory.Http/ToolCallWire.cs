using System.Text.Json;

namespace FiniteMemory.Http;

// The function-calling JSON of OpenAI's chat completions, which AI21's chat completions and Cohere's v2 chat take and
// send in the same shape: one set of wire types for both (their JSON contexts write them snake_case, nulls omitted).

/// <summary>A function call the assistant made: <c>{"id", "type": "function", "function": {"name", "arguments"}}</c>.</summary>
internal sealed class ToolCallWire
{
    /// <summary>The call's position among the calls of one streamed message (AI21's deltas only).</summary>
    public int? Index { get; init; }

    public string? Id { get; init; }

    public string? Type { get; init; }

    public FunctionCallWire? Function { get; init; }
}

/// <summary>The function a tool call names, with its arguments as JSON text.</summary>
internal sealed class FunctionCallWire
{
    public string? Name { get; init; }

    /// <summary>The arguments as JSON text.</summary>
    public string? Arguments { get; init; }
}

/// <summary>A tool the model may call: <c>{"type": "function", "function": {...}}</c>.</summary>
internal sealed class ToolWire
{
    public string Type { get; init; } = "function";

    public required FunctionDeclarationWire Function { get; init; }
}

/// <summary>A function's name, description and JSON-schema parameters.</summary>
internal sealed class FunctionDeclarationWire
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public JsonElement? Parameters { get; init; }
}

using System.Text.Json.Serialization;

namespace FiniteMemory.Evaluation;

/// <summary>One message of an evaluation conversation.</summary>
public sealed class EvaluationTurn
{
    /// <summary>The role <c>user</c>.</summary>
    public const string UserRole = "user";

    /// <summary>The role <c>assistant</c>.</summary>
    public const string AssistantRole = "assistant";

    /// <summary>The turn's id, unique in its conversation (e.g. <c>D3:14</c>: session 3, turn 14); questions name it as evidence.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    /// <summary>Who speaks; becomes the message's author name (reduced to the characters OpenAI's <c>name</c> accepts). Optional.</summary>
    [JsonPropertyName("speaker")]
    public string? Speaker { get; init; }

    /// <summary><see cref="UserRole"/> or <see cref="AssistantRole"/>.</summary>
    [JsonPropertyName("role")]
    public string Role { get; init; } = string.Empty;

    /// <summary>What was said.</summary>
    [JsonPropertyName("text")]
    public string Text { get; init; } = string.Empty;

    /// <summary>The session (a sitting of the conversation) the turn belongs to, counted from 1. Optional; informational.</summary>
    [JsonPropertyName("session")]
    public int? Session { get; init; }

    /// <summary>Whether the turn is the user's (roles are matched ignoring case and surrounding spaces); otherwise it is the assistant's.</summary>
    [JsonIgnore]
    public bool IsUser => string.Equals(Role?.Trim(), UserRole, StringComparison.OrdinalIgnoreCase);
}

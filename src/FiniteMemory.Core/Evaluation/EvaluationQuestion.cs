using System.Text.Json.Serialization;

namespace FiniteMemory.Evaluation;

/// <summary>A question about a conversation, its short answer, and the turns that hold the answer.</summary>
public sealed class EvaluationQuestion
{
    /// <summary>The question's id, unique in its conversation.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    /// <summary>The question, asked as the newest user message.</summary>
    [JsonPropertyName("question")]
    public string Question { get; init; } = string.Empty;

    /// <summary>The expected answer: a short span of (one of) the evidence turns.</summary>
    [JsonPropertyName("answer")]
    public string Answer { get; init; } = string.Empty;

    /// <summary>Ids of the turns a reader needs to answer; at least one.</summary>
    [JsonPropertyName("evidence")]
    public IReadOnlyList<string> Evidence { get; init; } = [];
}

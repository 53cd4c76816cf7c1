using System.Text.Json.Serialization;

namespace FiniteMemory.Evaluation;

/// <summary>A question about a conversation, its short answer, and the turns that hold the answer.</summary>
public sealed class EvaluationQuestion
{
    private readonly IReadOnlyList<string> _evidence = [];

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
    /// <remarks>Never null: a missing list (the JSON reader passes null for an absent field) reads as empty.</remarks>
    [JsonPropertyName("evidence")]
    public IReadOnlyList<string> Evidence
    {
        get => _evidence;
        init => _evidence = value ?? [];
    }
}

using System.Text.Json.Serialization;

namespace FiniteMemory.Evaluation;

/// <summary>One conversation of an <see cref="EvaluationDataset"/>: its turns, and questions about them.</summary>
public sealed class EvaluationConversation
{
    private readonly IReadOnlyList<EvaluationQuestion> _questions = [];

    private readonly IReadOnlyList<EvaluationTurn> _turns = [];

    /// <summary>The conversation's id, unique in the dataset.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    /// <summary>The turns, chronological: the transcript every question is asked after.</summary>
    /// <remarks>Never null: a missing list (the JSON reader passes null for an absent field) reads as empty.</remarks>
    [JsonPropertyName("turns")]
    public IReadOnlyList<EvaluationTurn> Turns
    {
        get => _turns;
        init => _turns = value ?? [];
    }

    /// <summary>The questions; each is asked on its own as the newest user message after all the turns.</summary>
    /// <remarks>Never null: a missing list (the JSON reader passes null for an absent field) reads as empty.</remarks>
    [JsonPropertyName("questions")]
    public IReadOnlyList<EvaluationQuestion> Questions
    {
        get => _questions;
        init => _questions = value ?? [];
    }
}

using System.Text.Json.Serialization;

namespace FiniteMemory.Evaluation;

/// <summary>One conversation of an <see cref="EvaluationDataset"/>: its turns, and questions about them.</summary>
public sealed class EvaluationConversation
{
    /// <summary>The conversation's id, unique in the dataset.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    /// <summary>The turns, chronological: the transcript every question is asked after.</summary>
    [JsonPropertyName("turns")]
    public IReadOnlyList<EvaluationTurn> Turns { get; init; } = [];

    /// <summary>The questions; each is asked on its own as the newest user message after all the turns.</summary>
    [JsonPropertyName("questions")]
    public IReadOnlyList<EvaluationQuestion> Questions { get; init; } = [];
}

using System.Text.Json.Serialization;

namespace FiniteMemory.Evaluation;

/// <summary>
/// A memory-quality dataset: conversations, each with questions whose answers lie in named turns (the evidence).
/// Read with <see cref="EvaluationDatasetFile"/>, generated with <see cref="SyntheticDataset"/>, scored with
/// <see cref="MemoryEvaluator"/>.
/// </summary>
/// <remarks>
/// The JSON form is <c>{"conversations":[{"id","turns":[{"id","speaker","role","text","session"}],
/// "questions":[{"id","question","answer","evidence":[turn ids]}]}]}</c>.
/// </remarks>
public sealed class EvaluationDataset
{
    private readonly IReadOnlyList<EvaluationConversation> _conversations = [];

    /// <summary>The conversations, in file order.</summary>
    /// <remarks>Never null: a missing list (the JSON reader passes null for an absent field) reads as empty.</remarks>
    [JsonPropertyName("conversations")]
    public IReadOnlyList<EvaluationConversation> Conversations
    {
        get => _conversations;
        init => _conversations = value ?? [];
    }

    /// <summary>Number of turns over all conversations.</summary>
    [JsonIgnore]
    public int TurnCount => Conversations.Sum(static c => c.Turns.Count);

    /// <summary>Number of questions over all conversations.</summary>
    [JsonIgnore]
    public int QuestionCount => Conversations.Sum(static c => c.Questions.Count);
}

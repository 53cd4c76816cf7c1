using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <inheritdoc cref="ScoreRelevanceStage"/>
/// <seealso cref="ScoreRelevanceStage.RunAsync"/>
[StageImplementation(typeof(ScoreRelevanceStage), nameof(ScoreRelevanceStage.RunAsync))]
public sealed class ScoreRelevanceAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="ScoreRelevanceStage.RunAsync" path="/param[@name='weight']/node()"/></summary>
    public double Weight { get; set; } = ScoreRelevanceStage.DefaultWeight;

    /// <summary><inheritdoc cref="ScoreRelevanceStage.RunAsync" path="/param[@name='lexicalWeight']/node()"/></summary>
    public double LexicalWeight { get; set; } = ScoreRelevanceStage.DefaultLexicalWeight;

    /// <summary><inheritdoc cref="ScoreRelevanceStage.RunAsync" path="/param[@name='semanticWeight']/node()"/></summary>
    public double SemanticWeight { get; set; } = ScoreRelevanceStage.DefaultSemanticWeight;

    /// <summary><inheritdoc cref="ScoreRelevanceStage.RunAsync" path="/param[@name='sharpness']/node()"/></summary>
    public double Sharpness { get; set; } = ScoreRelevanceStage.DefaultSharpness;

    /// <summary><inheritdoc cref="ScoreRelevanceStage.RunAsync" path="/param[@name='contextTurns']/node()"/></summary>
    public int ContextTurns { get; set; } = ScoreRelevanceStage.DefaultContextTurns;

    /// <summary><inheritdoc cref="ScoreRelevanceStage.RunAsync" path="/param[@name='neighbors']/node()"/></summary>
    public double Neighbors { get; set; } = ScoreRelevanceStage.DefaultNeighbors;

    /// <summary><inheritdoc cref="ScoreRelevanceStage.RunAsync" path="/param[@name='feedback']/node()"/></summary>
    public double Feedback { get; set; } = ScoreRelevanceStage.DefaultFeedback;
}

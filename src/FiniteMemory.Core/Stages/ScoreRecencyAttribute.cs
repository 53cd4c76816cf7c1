using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <inheritdoc cref="ScoreRecencyStage"/>
/// <seealso cref="ScoreRecencyStage.Run"/>
[StageImplementation(typeof(ScoreRecencyStage), nameof(ScoreRecencyStage.Run))]
public sealed class ScoreRecencyAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="ScoreRecencyStage.Run" path="/param[@name='weight']/node()"/></summary>
    public double Weight { get; set; } = ScoreRecencyStage.DefaultWeight;

    /// <summary><inheritdoc cref="ScoreRecencyStage.Run" path="/param[@name='halfLifeTurns']/node()"/></summary>
    public double HalfLifeTurns { get; set; } = ScoreRecencyStage.DefaultHalfLifeTurns;
}

using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <inheritdoc cref="ScoreImportanceStage"/>
/// <seealso cref="ScoreImportanceStage.RunAsync"/>
[StageImplementation(typeof(ScoreImportanceStage), nameof(ScoreImportanceStage.RunAsync))]
public sealed class ScoreImportanceAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="ScoreImportanceStage.RunAsync" path="/param[@name='weight']/node()"/></summary>
    public double Weight { get; set; } = ScoreImportanceStage.DefaultWeight;

    /// <summary><inheritdoc cref="ScoreImportanceStage.RunAsync" path="/param[@name='sourceShare']/node()"/></summary>
    public double SourceShare { get; set; } = ScoreImportanceStage.DefaultSourceShare;
}

using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <inheritdoc cref="SelectStage"/>
/// <seealso cref="SelectStage.Run"/>
[StageImplementation(typeof(SelectStage), nameof(SelectStage.Run))]
public sealed class SelectAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="SelectStage.Run" path="/param[@name='exactLimit']/node()"/></summary>
    public int ExactLimit { get; set; } = SelectStage.DefaultExactLimit;
}

using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <summary><inheritdoc cref="TruncateStage.FillRemaining" path="/summary/node()"/></summary>
/// <seealso cref="TruncateStage.FillRemaining"/>
[StageImplementation(typeof(TruncateStage), nameof(TruncateStage.FillRemaining))]
public sealed class TruncateAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="TruncateStage.FillRemaining" path="/param[@name='minTokens']/node()"/></summary>
    public int MinTokens { get; set; } = TruncateStage.DefaultMinTokens;
}

using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <inheritdoc cref="KeepRecentStage"/>
/// <seealso cref="KeepRecentStage.Run"/>
[StageImplementation(typeof(KeepRecentStage), nameof(KeepRecentStage.Run))]
public sealed class KeepRecentAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="KeepRecentStage.Run" path="/param[@name='maxTurns']/node()"/></summary>
    public int MaxTurns { get; set; } = KeepRecentStage.DefaultMaxTurns;

    /// <summary><inheritdoc cref="KeepRecentStage.Run" path="/param[@name='maxTokens']/node()"/></summary>
    public int MaxTokens { get; set; } = KeepRecentStage.DefaultMaxTokens;

    /// <summary><inheritdoc cref="KeepRecentStage.Run" path="/param[@name='budgetShare']/node()"/></summary>
    public double BudgetShare { get; set; } = KeepRecentStage.DefaultBudgetShare;

    /// <summary><inheritdoc cref="KeepRecentStage.Run" path="/param[@name='contiguous']/node()"/></summary>
    public bool Contiguous { get; set; } = KeepRecentStage.DefaultContiguous;
}

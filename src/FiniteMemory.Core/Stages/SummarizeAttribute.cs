using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <inheritdoc cref="SummarizeStage"/>
/// <seealso cref="SummarizeStage.RunAsync"/>
[StageImplementation(typeof(SummarizeStage), nameof(SummarizeStage.RunAsync))]
public sealed class SummarizeAttribute : PolicyStageAttribute
{
    /// <summary><inheritdoc cref="SummarizeStage.RunAsync" path="/param[@name='budgetShare']/node()"/></summary>
    public double BudgetShare { get; set; } = SummarizeStage.DefaultBudgetShare;

    /// <summary><inheritdoc cref="SummarizeStage.RunAsync" path="/param[@name='targetTokens']/node()"/></summary>
    public int TargetTokens { get; set; } = SummarizeStage.DefaultTargetTokens;

    /// <summary><inheritdoc cref="SummarizeStage.RunAsync" path="/param[@name='foldAt']/node()"/></summary>
    public double FoldAt { get; set; } = SummarizeStage.DefaultFoldAt;

    /// <summary><inheritdoc cref="SummarizeStage.RunAsync" path="/param[@name='minFactRecall']/node()"/></summary>
    public double MinFactRecall { get; set; } = SummarizeStage.DefaultMinFactRecall;
}

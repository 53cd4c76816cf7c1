namespace FiniteMemory.Evaluation;

/// <summary>How well one policy at one budget kept what the questions of a dataset need.</summary>
public sealed record EvaluationResult
{
    /// <summary>The policy's name as requested.</summary>
    public required string Policy { get; init; }

    /// <summary>The budget as requested.</summary>
    public required EvaluationBudget Requested { get; init; }

    /// <summary>The budget in tokens; for a percentage, the mean over the conversations of their budgets, rounded.</summary>
    public required int Budget { get; init; }

    /// <summary>The percentage of each conversation's transcript tokens, or null for a fixed budget.</summary>
    public double? BudgetPercent => Requested.Percent;

    /// <summary>Number of questions evaluated (every question of the dataset, failures included).</summary>
    public required int Questions { get; init; }

    /// <summary>Share of questions whose every evidence turn is in the window verbatim (present and not truncated).</summary>
    public required double AllEvidenceRecall { get; init; }

    /// <summary>Mean over questions of the share of their evidence turns in the window verbatim.</summary>
    public required double EvidenceRecall { get; init; }

    /// <summary>
    /// Share of questions whose answer's content words all appear among the words of the window's text (every
    /// message except the question itself, truncated copies and summaries included).
    /// </summary>
    public required double AnswerRecall { get; init; }

    /// <summary>Mean tokens of the windows built (failures excluded).</summary>
    public required double MeanWindowTokens { get; init; }

    /// <summary>Mean wall time in milliseconds of a window build as the engine measures it (mandatory messages, policy, ordering; failures excluded).</summary>
    public required double MeanPolicyMs { get; init; }

    /// <summary>Questions whose window could not be built (the budget cannot hold the question even truncated); each counts as a miss in every recall.</summary>
    public required int Failures { get; init; }

    /// <summary>Questions whose window the sliding fallback built because the policy failed; scored like any other window.</summary>
    public required int Fallbacks { get; init; }
}

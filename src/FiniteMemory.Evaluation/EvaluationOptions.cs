using Microsoft.Extensions.AI;

namespace FiniteMemory.Evaluation;

/// <summary>What <see cref="MemoryEvaluator"/> measures: which policies, at which budgets, with which services.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Names of registered policies (see <see cref="Policies.MemoryPolicies"/>), each evaluated at every budget.</summary>
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>The budgets, each a whole request's budget as in <see cref="MemoryOptions.Budget"/>.</summary>
    public IReadOnlyList<EvaluationBudget> Budgets { get; init; } = [];

    /// <summary>The token counter for transcripts, windows and percentage budgets; the shared o200k counter by default.</summary>
    public ITokenCounter? TokenCounter { get; init; }

    /// <summary>The embedder handed to the policies (<see cref="MemoryOptions.Embedder"/>); null: none.</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; init; }

    /// <summary>
    /// How many conversations are evaluated at once; -1 (the default) for one per processor. Results do not
    /// depend on it (timings aside).
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

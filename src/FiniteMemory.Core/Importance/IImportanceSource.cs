
namespace FiniteMemory;

/// <summary>
/// Importance signals from a model that can see inside itself — a local backend reporting the attention each
/// message received in its forward passes (H2O-style heavy hitters), or the change in the query's likelihood
/// when a message is left out (a logit probe). The importance stage combines them with its heuristic: a
/// message the source knows nothing about (NaN) is scored by the heuristic alone.
/// </summary>
/// <remarks>Implementations must be thread-safe; a build may run while the model is generating.</remarks>
public interface IImportanceSource
{
    /// <summary>A short name for reports (e.g. <c>attention</c>, <c>logit-probe</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Scores <paramref name="entries"/> for how much the model relies on them, one score per entry in [0, 1]
    /// (larger: more important), written to <paramref name="scores"/>; <see cref="float.NaN"/> where the source
    /// has no signal for an entry.
    /// </summary>
    /// <param name="entries">Transcript entries to score (older messages a policy is choosing among).</param>
    /// <param name="query">The newest user message, the one being answered, if any.</param>
    /// <param name="scores">One slot per entry, set to NaN before the call.</param>
    /// <param name="cancellationToken">Cancels the scoring (the engine's latency budget uses it).</param>
    ValueTask ScoreAsync(IReadOnlyList<MemoryEntry> entries, MemoryEntry? query, Memory<float> scores, CancellationToken cancellationToken);
}

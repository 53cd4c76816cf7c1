
namespace FiniteMemory.Stages;

/// <summary>
/// Scores every group not yet in the window by how much it is likely to matter: the frame's
/// <see cref="IImportanceSource"/> (a local model's attention or logit probes) where it has a signal, mixed with
/// the model-free <see cref="ImportanceHeuristic"/>, which alone scores messages the source knows nothing about.
/// Adds <c>weight × importance</c> (a group scores as its most important member) to <see cref="MemoryFrame.Scores"/>.
/// </summary>
/// <remarks>
/// The report's <see cref="TurnStats.ImportanceEvictions"/> counts the groups a sliding window would have
/// kept that this build left out. Heuristic scores are computed once per message and cached.
/// </remarks>
public static class ScoreImportanceStage
{
    // The parameters' defaults, shared with ScoreImportanceAttribute's properties (StageAttributeDefaultsTests checks the pair).
    internal const double DefaultWeight = 1.0;
    internal const double DefaultSourceShare = 0.7;

    /// <summary>Scores groups by importance.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="cancellationToken">Cancels the importance source.</param>
    /// <param name="weight">Weight of importance in the group's score.</param>
    /// <param name="sourceShare">Share of the model's signal where it has one (the rest is the heuristic's).</param>
    public static async ValueTask RunAsync(MemoryFrame frame, CancellationToken cancellationToken, double weight = DefaultWeight, double sourceShare = DefaultSourceShare)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!(weight >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The importance weight must not be negative.");
        }

        if (!(sourceShare >= 0 && sourceShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sourceShare), sourceShare, "The source share must be between 0 and 1.");
        }

        frame.ReportImportanceScored();
        var candidates = frame.UnkeptGroups();
        if (candidates.Count == 0 || weight == 0)
        {
            return;
        }

        var transcript = frame.Transcript;
        var heuristic = ImportanceHeuristic.For(transcript);
        heuristic.Update(transcript, frame.Count);

        float[]? signals = null;
        if (frame.Services.Importance is { } source && sourceShare > 0)
        {
            var entries = new List<MemoryEntry>();
            foreach (var g in candidates)
            {
                foreach (var member in transcript.GroupAt(g).MemberArray)
                {
                    if (member < frame.Count)
                    {
                        entries.Add(transcript[member]);
                    }
                }
            }

            signals = new float[entries.Count];
            Array.Fill(signals, float.NaN);
            try
            {
                await source.ScoreAsync(entries, frame.Query, signals, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                frame.AddNote($"importance is heuristic only: the importance source '{source.Name}' failed ({ex.GetType().Name}: {ex.Message})");
                signals = null;
            }
        }

        var scores = frame.Scores;
        var e = 0;
        foreach (var g in candidates)
        {
            var best = 0f;
            foreach (var member in transcript.GroupAt(g).MemberArray)
            {
                if (member >= frame.Count)
                {
                    continue;
                }

                var value = heuristic[member];
                if (signals is not null && !float.IsNaN(signals[e]))
                {
                    value = (float)((sourceShare * Math.Clamp(signals[e], 0f, 1f)) + ((1 - sourceShare) * value));
                }

                best = MathF.Max(best, value);
                e++;
            }

            scores[g] += (float)(weight * best);
        }
    }
}

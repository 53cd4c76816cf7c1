using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using FiniteMemory.Memory;
using FiniteMemory.Retrieval;

namespace FiniteMemory.Stages;

/// <summary>
/// Groups the older messages into topic clusters (<see cref="TopicClusters"/>: mini-batch k-means over cached
/// embeddings, or hashed term vectors without an embedder; seeded, warm-started across turns) and favours one
/// representative per topic: within a cluster, the group with the best score so far keeps it, the next best
/// keeps <c>diversity</c> of it, the third <c>diversity²</c>, and so on. When the budget cannot hold every
/// relevant message, the window then covers more topics instead of many near-duplicates of one.
/// </summary>
/// <remarks>
/// Runs after the scoring stages and before <see cref="SelectStage"/>. Sets <see cref="MemoryFrame.Clusters"/>, so
/// the report counts the clusters the window represents by some but not all of their members.
/// </remarks>
public static class ClusterStage
{
    /// <summary>Clusters the candidate groups and discounts redundant ones.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="cancellationToken">Cancels embedding.</param>
    /// <param name="diversity">Factor applied per rank within a cluster (1: no discount; 0: one per cluster).</param>
    /// <param name="maxClusters">Upper bound on the number of clusters.</param>
    public static async ValueTask RunAsync(MemoryFrame frame, CancellationToken cancellationToken, double diversity = 0.5, int maxClusters = 32)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!(diversity >= 0 && diversity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(diversity), diversity, "Diversity must be between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxClusters);
        var candidates = ScoreRelevanceStage.Candidates(frame);
        if (candidates.Count < 4)
        {
            return;
        }

        var transcript = frame.Transcript;
        var points = new List<(int Id, float[] Vector)>(candidates.Count);
        var groups = new List<int>(candidates.Count);
        string space;
        if (frame.Services.Embedder is { } embedder && await TryEmbedAsync(frame, embedder, candidates, cancellationToken).ConfigureAwait(false) is { } index)
        {
            space = "embeddings";
            foreach (var g in candidates)
            {
                var vector = Mean(transcript.GroupAt(g).MemberArray.Where(m => m < frame.Count).Select(index.Centroid));
                if (vector is not null)
                {
                    points.Add((transcript.GroupAt(g).First, vector));
                    groups.Add(g);
                }
            }
        }
        else
        {
            space = "terms";
            var hashed = HashedTermVectors.For(transcript);
            foreach (var g in candidates)
            {
                var vector = Mean(transcript.GroupAt(g).MemberArray.Where(m => m < frame.Count).Select(m => hashed.Get(transcript, m)));
                if (vector is not null)
                {
                    points.Add((transcript.GroupAt(g).First, vector));
                    groups.Add(g);
                }
            }
        }

        var assigned = TopicClusters.For(transcript).Update(points, space, maxClusters);
        var clusters = new int[frame.GroupCount];
        Array.Fill(clusters, -1);
        for (var p = 0; p < groups.Count; p++)
        {
            clusters[groups[p]] = assigned[p];
        }

        frame.Clusters = clusters;
        if (!frame.HasScores || diversity == 1)
        {
            return;
        }

        // Rank within each cluster by score (newer first on ties) and discount by rank.
        var scores = frame.Scores;
        foreach (var members in groups.GroupBy(g => clusters[g]))
        {
            var rank = 0;
            foreach (var g in members.OrderByDescending(g => scores[g]).ThenByDescending(g => g))
            {
                scores[g] *= (float)Math.Pow(diversity, rank++);
            }
        }
    }

    private static async ValueTask<EmbeddingIndex?> TryEmbedAsync(
        MemoryFrame frame,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        List<int> candidates,
        CancellationToken cancellationToken)
    {
        var transcript = frame.Transcript;
        var index = EmbeddingIndex.For(transcript);
        var needed = candidates.SelectMany(g => transcript.GroupAt(g).MemberArray).Where(m => m < frame.Count && !index.Has(m)).ToList();
        try
        {
            await index.EnsureAsync(transcript, embedder, needed, cancellationToken).ConfigureAwait(false);
            return index;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            frame.AddNote($"clustering used term vectors: the embedder failed ({ex.GetType().Name}: {ex.Message})");
            return null;
        }
    }

    // The normalized mean of a group's vectors; a single vector is returned as it is (already normalized, not copied).
    private static float[]? Mean(IEnumerable<float[]?> vectors)
    {
        float[]? first = null;
        float[]? sum = null;
        foreach (var v in vectors)
        {
            if (v is null)
            {
                continue;
            }

            if (first is null)
            {
                first = v;
                continue;
            }

            if (v.Length == first.Length)
            {
                sum ??= [.. first];
                TensorPrimitives.Add(sum, v, sum);
            }
        }

        if (sum is null)
        {
            return first;
        }

        var norm = TensorPrimitives.Norm(sum);
        if (norm > 0)
        {
            TensorPrimitives.Divide(sum, norm, sum);
        }

        return sum;
    }
}

using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Stages;

/// <summary>
/// Groups the older messages into topic clusters (<see cref="TopicClusters"/>: mini-batch k-means over cached
/// embeddings, or hashed term vectors without an embedder; seeded, warm-started across turns) and favours one
/// representative per topic: within a cluster, the group with the best score so far keeps it, the next best
/// keeps <c>diversity</c> of it, the third <c>diversity²</c>, and so on. When the budget cannot hold every
/// relevant message, the window then covers more topics instead of many near-duplicates of one.
/// </summary>
/// <remarks>
/// Runs after the scoring stages and before <see cref="SelectStage"/>. Reports each group's cluster (<see cref="MemoryFrame.ReportClusters"/>), so
/// the report counts the clusters the window represents by some but not all of their members.
/// </remarks>
public static class ClusterStage
{
    // The parameters' defaults, shared with ClusterAttribute's properties (StageAttributeDefaultsTests checks the pair).
    internal const double DefaultDiversity = 0.5;
    internal const int DefaultMaxClusters = 32;

    /// <summary>Clusters the candidate groups and discounts redundant ones.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="cancellationToken">Cancels embedding.</param>
    /// <param name="diversity">Factor applied per rank within a cluster (1: no discount; 0: one per cluster).</param>
    /// <param name="maxClusters">Upper bound on the number of clusters.</param>
    public static async ValueTask RunAsync(MemoryFrame frame, CancellationToken cancellationToken, double diversity = DefaultDiversity, int maxClusters = DefaultMaxClusters)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!(diversity >= 0 && diversity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(diversity), diversity, "Diversity must be between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxClusters);
        var candidates = frame.UnkeptGroups();
        if (candidates.Count < 4)
        {
            return;
        }

        var transcript = frame.Transcript;
        var points = new List<(int Id, float[] Vector)>(candidates.Count);
        var groups = new List<int>(candidates.Count);
        var embeddings = frame.Services.Embedder is { } embedder
            ? await StageEmbeddings.TryEnsureAsync(frame, embedder, candidates, [], "clustering used term vectors", cancellationToken).ConfigureAwait(false)
            : null;
        var hashed = embeddings is null ? HashedTermVectors.For(transcript) : null;
        foreach (var g in candidates)
        {
            var members = transcript.GroupAt(g).MemberArray;
            float[]? vector = null;
            float[]? sum = null;
            foreach (var m in members)
            {
                if (m >= frame.Count)
                {
                    continue;
                }

                var v = embeddings is not null ? embeddings.Centroid(m) : hashed!.Get(transcript, m);
                if (v is null)
                {
                    continue;
                }

                if (vector is null)
                {
                    vector = v;
                }
                else if (v.Length == vector.Length)
                {
                    sum ??= [.. vector];
                    TensorPrimitives.Add(sum, v, sum);
                }
            }

            if (sum is not null)
            {
                UnitVectors.Normalize(sum);
                vector = sum;
            }

            if (vector is not null)
            {
                points.Add((transcript.GroupAt(g).First, vector));
                groups.Add(g);
            }
        }

        var assigned = TopicClusters.For(transcript).Update(points, embeddings is null ? "terms" : "embeddings", maxClusters);
        var clusters = new int[frame.GroupCount];
        Array.Fill(clusters, -1);
        for (var p = 0; p < groups.Count; p++)
        {
            clusters[groups[p]] = assigned[p];
        }

        frame.ReportClusters(clusters);
        if (!frame.HasScores || diversity == 1)
        {
            return;
        }

        // Rank within each cluster by score (newer first on ties) and discount by rank: bucket by cluster, then
        // sort each bucket.
        var scores = frame.Scores;
        var buckets = new List<int>[Math.Max(1, assigned.Length == 0 ? 0 : assigned.Max() + 1)];
        for (var p = 0; p < groups.Count; p++)
        {
            (buckets[assigned[p]] ??= []).Add(groups[p]);
        }

        foreach (var bucket in buckets)
        {
            if (bucket is not { Count: > 1 })
            {
                continue;
            }

            var members = bucket.ToArray();
            var keys = new double[members.Length];
            for (var i = 0; i < members.Length; i++)
            {
                keys[i] = scores[members[i]];
            }

            ScoreOrder.Descending(keys, members);
            var factor = 1.0f;
            foreach (var g in members)
            {
                scores[g] *= factor;
                factor *= (float)diversity;
            }
        }
    }
}

using System.Numerics.Tensors;

namespace FiniteMemory;

/// <summary>
/// Spherical mini-batch k-means over a conversation's message vectors, warm-started across turns: the centroids
/// and each message's cluster are kept on the transcript, and each turn assigns the messages new since the last
/// one and refines the centroids with a few seeded mini-batches — the per-turn cost does not grow with the
/// conversation. Deterministic for a given sequence of calls.
/// </summary>
/// <remarks>
/// Points are L2-normalized vectors (embeddings or <see cref="HashedTermVectors"/>), compared by dot product.
/// The learning rate of a centroid is 1 / (points it has absorbed), capped so that old centroids keep adapting
/// as topics drift. A new cluster is seeded k-means++-style when the conversation grows enough to need one.
/// </remarks>
internal sealed class TopicClusters : TranscriptState
{
    private const int MaxAbsorbed = 500;
    private const ulong Seed = 0x5EED_F1_1173_0000UL;

    private readonly List<float[]> _centroids = [];
    private readonly List<int> _absorbed = [];
    private readonly Dictionary<int, int> _assignment = [];
    private SplitMix64 _random = new(Seed);
    private int _dimensions;
    private string? _space;

    /// <summary>Number of clusters.</summary>
    public int Count => _centroids.Count;

    /// <summary>The clusters of <paramref name="transcript"/>, created on first use.</summary>
    public static TopicClusters For(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.GetState(static () => new TopicClusters());
    }

    /// <summary>The number of clusters for <paramref name="points"/> points: about √(n/2), at least 1, at most <paramref name="maxClusters"/>.</summary>
    public static int ClustersFor(int points, int maxClusters) => Math.Clamp((int)Math.Round(Math.Sqrt(points / 2.0)), 1, Math.Max(1, maxClusters));

    /// <summary>
    /// Updates the clustering with <paramref name="points"/> (keyed by a transcript index, e.g. a group's first message) and
    /// returns each point's cluster, in the order given.
    /// </summary>
    /// <param name="points">The points, each L2-normalized, all of one length.</param>
    /// <param name="space">Names the vector space (e.g. the embedder); a different space restarts the clustering.</param>
    /// <param name="maxClusters">Upper bound on k.</param>
    /// <param name="iterations">Mini-batches to run this call.</param>
    /// <param name="batchSize">Points per mini-batch.</param>
    public int[] Update(IReadOnlyList<(int Id, float[] Vector)> points, string space, int maxClusters = 32, int iterations = 2, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(space);
        if (points.Count == 0)
        {
            return [];
        }

        var dimensions = points[0].Vector.Length;
        if (_space != space || _dimensions != dimensions)
        {
            Reset(space, dimensions);
        }

        var k = ClustersFor(points.Count, maxClusters);
        var cold = _centroids.Count == 0;
        if (_centroids.Count < k)
        {
            AddCentroids(points, k);
        }

        for (var round = 0; round < (cold ? Math.Max(10, iterations * 5) : iterations); round++)
        {
            for (var b = 0; b < Math.Min(batchSize, points.Count); b++)
            {
                var (id, vector) = points[_random.NextInt(points.Count)];
                var c = Nearest(vector);
                _absorbed[c] = Math.Min(MaxAbsorbed, _absorbed[c] + 1);
                var eta = 1f / _absorbed[c];
                var centroid = _centroids[c];
                TensorPrimitives.Multiply(centroid, 1 - eta, centroid);
                TensorPrimitives.MultiplyAdd(vector, eta, centroid, centroid);
                UnitVectors.Normalize(centroid);
                _assignment[id] = c;
            }
        }

        // New points get their nearest cluster; points already assigned keep theirs unless a batch moved them.
        var result = new int[points.Count];
        for (var p = 0; p < points.Count; p++)
        {
            var (id, vector) = points[p];
            if (cold || !_assignment.TryGetValue(id, out var c))
            {
                c = Nearest(vector);
                _assignment[id] = c;
            }

            result[p] = c;
        }

        return result;
    }

    /// <inheritdoc />
    protected internal override void OnTruncated(int count)
    {
        // Ids are transcript indices (a group is known by its first message): those at or above count are gone.
        foreach (var id in _assignment.Keys.Where(id => id >= count).ToList())
        {
            _assignment.Remove(id);
        }
    }

    private void Reset(string space, int dimensions)
    {
        _centroids.Clear();
        _absorbed.Clear();
        _assignment.Clear();
        _random = new SplitMix64(Seed);
        _space = space;
        _dimensions = dimensions;
    }

    // k-means++: each new centroid is a point drawn with probability proportional to its squared distance from
    // the nearest centroid so far; the distances are updated with each new centroid, not recomputed.
    private void AddCentroids(IReadOnlyList<(int Id, float[] Vector)> points, int k)
    {
        if (_centroids.Count == 0)
        {
            Add(points[_random.NextInt(points.Count)].Vector);
        }

        var distances = new double[points.Count];
        for (var p = 0; p < points.Count; p++)
        {
            distances[p] = double.MaxValue;
            foreach (var centroid in _centroids)
            {
                distances[p] = Math.Min(distances[p], Distance(points[p].Vector, centroid));
            }
        }

        while (_centroids.Count < k)
        {
            var total = 0.0;
            foreach (var d in distances)
            {
                total += d;
            }

            var target = _random.NextDouble() * total;
            var at = 0;
            while (at < points.Count - 1 && (target -= distances[at]) > 0)
            {
                at++;
            }

            var added = Add(points[at].Vector);
            for (var p = 0; p < points.Count; p++)
            {
                distances[p] = Math.Min(distances[p], Distance(points[p].Vector, added));
            }
        }
    }

    private float[] Add(float[] vector)
    {
        float[] centroid = [.. vector];
        _centroids.Add(centroid);
        _absorbed.Add(1);
        return centroid;
    }

    // Squared Euclidean distance between unit vectors.
    private static double Distance(float[] a, float[] b) => Math.Max(0, 2 - (2 * TensorPrimitives.Dot(a, b)));

    private int Nearest(float[] vector)
    {
        var best = 0;
        var bestSimilarity = float.NegativeInfinity;
        for (var c = 0; c < _centroids.Count; c++)
        {
            var similarity = TensorPrimitives.Dot(vector, _centroids[c]);
            if (similarity > bestSimilarity)
            {
                bestSimilarity = similarity;
                best = c;
            }
        }

        return best;
    }
}

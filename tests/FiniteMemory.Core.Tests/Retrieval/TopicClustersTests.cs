
namespace FiniteMemory.Tests.Retrieval;

public class TopicClustersTests
{
    // Three tight, well-separated groups of unit vectors around three orthogonal axes.
    private static List<(int Id, float[] Vector)> Blobs(int perBlob, int seed)
    {
        var random = new Random(seed);
        var points = new List<(int, float[])>();
        for (var b = 0; b < 3; b++)
        {
            for (var i = 0; i < perBlob; i++)
            {
                var v = new float[8];
                v[b] = 1;
                for (var d = 0; d < v.Length; d++)
                {
                    v[d] += (float)((random.NextDouble() - 0.5) * 0.2);
                }

                var norm = MathF.Sqrt(v.Sum(x => x * x));
                points.Add(((b * 1000) + i, v.Select(x => x / norm).ToArray()));
            }
        }

        return points;
    }

    [Test]
    public async Task SeparablePointsLandInOneClusterPerBlob()
    {
        var points = Blobs(6, seed: 1); // 18 points: k = round(sqrt(9)) = 3
        var clusters = new TopicClusters().Update(points, "test");

        var byBlob = points.Select((p, i) => (Blob: p.Id / 1000, Cluster: clusters[i])).GroupBy(x => x.Blob).ToList();
        foreach (var blob in byBlob)
        {
            await Assert.That(blob.Select(x => x.Cluster).Distinct().Count()).IsEqualTo(1);
        }

        await Assert.That(byBlob.Select(b => b.First().Cluster).Distinct().Count()).IsEqualTo(3);
    }

    [Test]
    public async Task TheSameCallsGiveTheSameClusters()
    {
        var points = Blobs(20, seed: 2);
        var first = new TopicClusters().Update(points, "test");
        var second = new TopicClusters().Update(points, "test");
        await Assert.That(second).IsEquivalentTo(first, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task AWarmStartKeepsEarlierAssignmentsAndPlacesNewPointsWithTheirBlob()
    {
        var clusters = new TopicClusters();
        var points = Blobs(6, seed: 3);
        var first = clusters.Update(points, "test");

        // One more point near the second axis joins that blob's cluster.
        var extra = new float[8];
        extra[1] = 1;
        var more = points.Append((5000, extra)).ToList();
        var second = clusters.Update(more, "test", iterations: 0);

        await Assert.That(second.Take(points.Count)).IsEquivalentTo(first, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(second[^1]).IsEqualTo(first[6]);
    }

    [Test]
    public async Task TheNumberOfClustersGrowsWithTheSquareRootOfThePoints()
    {
        await Assert.That(TopicClusters.ClustersFor(2, 32)).IsEqualTo(1);
        await Assert.That(TopicClusters.ClustersFor(200, 32)).IsEqualTo(10);
        await Assert.That(TopicClusters.ClustersFor(20_000, 32)).IsEqualTo(32);
    }
}

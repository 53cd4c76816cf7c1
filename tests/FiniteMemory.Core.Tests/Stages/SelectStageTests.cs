using CsCheck;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Stages;

public class SelectStageTests
{
    private static readonly Gen<(SelectStage.Candidate[] Items, int Capacity)> Instances =
        Gen.Select(Gen.Int[1, 12], Gen.Int[0, 120]).SelectMany((n, capacity) =>
            Gen.Select(Gen.Int[1, 60], Gen.Double[0.01, 10]).Array[n].Select(items =>
                (items.Select((x, i) => new SelectStage.Candidate(i, x.Item1, x.Item2)).ToArray(), capacity)));

    // Every subset, for instances small enough to enumerate.
    private static double BruteForce(SelectStage.Candidate[] items, int capacity)
    {
        var best = 0.0;
        for (var mask = 0; mask < 1 << items.Length; mask++)
        {
            int cost = 0;
            var score = 0.0;
            for (var i = 0; i < items.Length; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    cost += items[i].Cost;
                    score += items[i].Score;
                }
            }

            if (cost <= capacity)
            {
                best = Math.Max(best, score);
            }
        }

        return best;
    }

    private static (int Cost, double Score) Total(SelectStage.Candidate[] items, List<int> chosen) =>
        (chosen.Sum(g => items[g].Cost), chosen.Sum(g => items[g].Score));

    [Test]
    public void TheExactSolverIsOptimalOnSmallInstances()
    {
        Instances.Sample((items, capacity) =>
        {
            var chosen = SelectStage.Exact(items, capacity);
            var (cost, score) = Total(items, chosen);
            var optimum = BruteForce(items, capacity);
            return cost <= capacity && Math.Abs(score - optimum) < 1e-9 && chosen.Distinct().Count() == chosen.Count;
        }, iter: 2000);
    }

    [Test]
    public void TheGreedySolverFitsAndIsWithinAFactorOfTwoOfTheOptimum()
    {
        Instances.Sample((items, capacity) =>
        {
            // The greedy answer only considers items that fit on their own, as the stage passes it.
            var fitting = items.Where(c => c.Cost <= capacity).Select((c, i) => c with { Group = i }).ToArray();
            if (fitting.Length == 0)
            {
                return true;
            }

            var (cost, score) = Total(fitting, SelectStage.Greedy(fitting, capacity));
            return cost <= capacity && score >= (BruteForce(fitting, capacity) / 2) - 1e-9;
        }, iter: 2000);
    }

    [Test]
    public async Task TheExactSolverBeatsGreedyWhereScorePerTokenMisleads()
    {
        // Greedy takes the dense small item and then cannot fit either big one; the optimum is the two big ones.
        SelectStage.Candidate[] items = [new(0, 10, 6), new(1, 50, 20), new(2, 50, 20)];
        var greedy = Total(items, SelectStage.Greedy(items, 100)).Score;
        var exact = Total(items, SelectStage.Exact(items, 100)).Score;

        await Assert.That(greedy).IsEqualTo(26.0);
        await Assert.That(exact).IsEqualTo(40.0);
    }
}

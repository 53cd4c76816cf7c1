namespace FiniteMemory.Evaluation.Tests.Hostile;

/// <summary>Issue 20, items 14 and 5: evaluation budgets and synthetic sizes near int.MaxValue are refused by name, never wrapped negative.</summary>
public class BudgetOverflowTests
{
    [Test]
    public async Task AnEvaluationBudgetAboveTheMaximumIsRefusedAndAPercentageIsCappedAtIt()
    {
        await Assert.That(EvaluationBudget.TryParse("2147483647", out _, out var problem)).IsFalse();
        await Assert.That(problem).Contains("at most 100000000");
        await Assert.That(EvaluationBudget.OfPercent(100).TokensFor(long.MaxValue / 2)).IsEqualTo(MemoryOptions.MaxBudget);
    }

    [Test]
    public async Task TooManySyntheticConversationsAreRefusedBeforeAnythingIsAllocated()
    {
        var error = await Assert.That(() => SyntheticDataset.Generate(1, new SyntheticDatasetOptions { Conversations = int.MaxValue })).ThrowsExactly<ArgumentException>();
        await Assert.That(error!.Message).Contains("at most 1000");

        var huge = await Assert.That(() => SyntheticDataset.Generate(1, new SyntheticDatasetOptions { Conversations = 10, MaxSessions = 100_000, MaxTurnsPerSession = 100_000 })).ThrowsExactly<ArgumentException>();
        await Assert.That(huge!.Message).Contains("1000000");
    }
}

using FiniteMemory.Evaluation;

namespace FiniteMemory.Tests.Hostile;

/// <summary>Issue 20, items 14 and 5: budgets and sizes near int.MaxValue are refused by name, never wrapped negative.</summary>
public class BudgetOverflowTests
{
    [Test]
    public async Task ABudgetAboveTheMaximumIsRefusedNamingTheLimit()
    {
        var options = new MemoryOptions { Budget = int.MaxValue, ReserveTokens = int.MaxValue - 1 };

        var error = await Assert.That(options.Validate).ThrowsExactly<ArgumentException>();

        await Assert.That(error!.Message).Contains("100,000,000");
        await Assert.That(error.Message).Contains("MaxBudget");
    }

    [Test]
    public async Task TheLargestBudgetBuildsAWindowWithNonNegativeNumbers()
    {
        var session = new MemorySession(new MemoryOptions { Budget = MemoryOptions.MaxBudget, ReserveTokens = MemoryOptions.MaxBudget - 1000 });
        session.Add(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "Hello there."));

        var window = await session.PrepareAsync();

        await Assert.That(window.Available).IsGreaterThan(0);
        await Assert.That(window.Available).IsLessThanOrEqualTo(1000);
        await Assert.That(window.Tokens).IsGreaterThan(0);
    }

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

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
}

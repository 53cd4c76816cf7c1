using CsCheck;
using FiniteMemory.Engine;
using FiniteMemory.Memory;
using FiniteMemory.Policies;
using FiniteMemory.Sessions;
using FiniteMemory.Tests.Support;
using FiniteMemory.Tokens;

namespace FiniteMemory.Tests.Properties;

/// <summary>
/// The window invariants hold for generated pipelines too, including the stages sliding does not use:
/// opening turns, budget shares, scored selection and the truncated filler.
/// </summary>
public class DeclaredPolicyInvariantTests
{
    private static readonly ITokenCounter Counter = TokenCounter.Default;

    private static readonly Gen<(int Seed, int Turns, int Budget, int ReservePercent)> Cases =
        Gen.Select(Gen.Int, Gen.Int[1, 40], Gen.Frequency((3, Gen.Int[16, 400]), (5, Gen.Int[400, 4000]), (1, Gen.Int[4000, 20000])), Gen.Int[0, 30]);

    [Test]
    [Arguments("test-everything")]
    [Arguments("test-opening")]
    [Arguments("test-keyword")]
    public async Task EveryWindowOfADeclaredPolicyHoldsTheInvariants(string policyName)
    {
        var checkedWindows = 0;
        var fallbacks = 0;
        Cases.Sample(c =>
        {
            var messages = RandomConversation.Create(c.Seed, c.Turns);
            var reserve = c.Budget * c.ReservePercent / 100;
            var session = new MemorySession(new MemoryOptions
            {
                Budget = c.Budget,
                ReserveTokens = reserve,
                TokenCounter = Counter,
                Policy = MemoryPolicies.Create(policyName),
            });
            foreach (var m in messages)
            {
                session.Add(m.Message, m.Pinned);
            }

            var expectation = new WindowInvariants.Expectation(messages, c.Budget, reserve, Counter, Sliding: false);
            try
            {
                var window = session.PrepareAsync().GetAwaiter().GetResult();
                WindowInvariants.Check(expectation, window);
                Interlocked.Increment(ref checkedWindows);
                if (window.Report.Fallback is not null)
                {
                    Interlocked.Increment(ref fallbacks);
                }
            }
            catch (MemoryBudgetException failure)
            {
                WindowInvariants.CheckFailure(expectation, failure);
            }
        }, iter: 600, threads: 1);

        await Assert.That(checkedWindows).IsGreaterThan(400);

        // The generated pipeline itself never fails over to sliding.
        await Assert.That(fallbacks).IsEqualTo(0);
    }
}

using CsCheck;
using FiniteMemory.Policies;

namespace FiniteMemory.Tests.Support;

/// <summary>
/// Generated conversations and budgets, each replayed through a fresh session whose window is checked with
/// <see cref="WindowInvariants"/>.
/// </summary>
public static class SessionWindowRuns
{
    /// <summary>Seed, user turns, budget (mostly 400–4,000, some tiny, some large) and reserve percentage.</summary>
    public static readonly Gen<(int Seed, int Turns, int Budget, int ReservePercent)> Cases =
        Gen.Select(Gen.Int, Gen.Int[1, 40], Gen.Frequency((3, Gen.Int[16, 400]), (5, Gen.Int[400, 4000]), (1, Gen.Int[4000, 20000])), Gen.Int[0, 30]);

    /// <summary>Checks <paramref name="iterations"/> session windows built by <paramref name="policy"/> (null: the default, sliding).</summary>
    /// <returns>How many cases produced a window (the rest failed as the invariants allow), and how many of those fell back to sliding.</returns>
    public static (int Windows, int Fallbacks) Check(ITokenCounter counter, Func<IMemoryPolicy>? policy, bool sliding, int iterations, Action<MemoryOptions>? configure = null)
    {
        var windows = 0;
        var fallbacks = 0;
        Cases.Sample(c =>
        {
            var messages = RandomConversation.Create(c.Seed, c.Turns);
            var reserve = c.Budget * c.ReservePercent / 100;
            var options = new MemoryOptions { Budget = c.Budget, ReserveTokens = reserve, TokenCounter = counter };
            if (policy is not null)
            {
                options.Policy = policy();
            }

            configure?.Invoke(options);

            var session = new MemorySession(options);
            foreach (var m in messages)
            {
                session.Add(m.Message, m.Pinned);
            }

            var expectation = new WindowInvariants.Expectation(messages, c.Budget, reserve, counter, sliding);
            try
            {
                var window = session.PrepareAsync().GetAwaiter().GetResult();
                WindowInvariants.Check(expectation, window);
                Interlocked.Increment(ref windows);
                if (window.Report.Fallback is not null)
                {
                    Interlocked.Increment(ref fallbacks);
                }
            }
            catch (MemoryBudgetException failure)
            {
                WindowInvariants.CheckFailure(expectation, failure);
            }
        }, iter: iterations, threads: 1);

        return (windows, fallbacks);
    }
}

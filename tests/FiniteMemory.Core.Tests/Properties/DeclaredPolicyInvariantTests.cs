using CsCheck;
using Microsoft.Extensions.AI;
using FiniteMemory.Policies;
using FiniteMemory.Tests.Fakes;
using FiniteMemory.Tests.Support;

namespace FiniteMemory.Tests.Properties;

/// <summary>
/// The window invariants hold for generated pipelines too, including the stages sliding does not use:
/// opening turns, budget shares, scored selection, a custom stage attribute and the truncated filler.
/// </summary>
public class DeclaredPolicyInvariantTests
{
    [Test]
    [Arguments("test-everything")]
    [Arguments("test-opening")]
    [Arguments("test-keyword")]
    [Arguments("importance")]
    [Arguments("semantic")]
    [Arguments("rolling_summary")]
    [Arguments("hybrid")]
    public async Task EveryWindowOfADeclaredPolicyHoldsTheInvariants(string policyName)
    {
        var (windows, fallbacks) = SessionWindowRuns.Check(TokenCounter.Default, () => MemoryPolicies.Create(policyName), sliding: false, iterations: 600);

        await Assert.That(windows).IsGreaterThan(400);

        // The generated pipeline itself never fails over to sliding.
        await Assert.That(fallbacks).IsEqualTo(0);
    }

    [Test]
    [Arguments("semantic")]
    [Arguments("hybrid")]
    public async Task EveryWindowOfAPolicyUsingAnEmbedderHoldsTheInvariants(string policyName)
    {
        var embedder = new HashingEmbedder();
        var (windows, fallbacks) = SessionWindowRuns.Check(TokenCounter.Default, () => MemoryPolicies.Create(policyName), sliding: false, iterations: 400, o => o.Embedder = embedder);

        await Assert.That(windows).IsGreaterThan(250);
        await Assert.That(fallbacks).IsEqualTo(0);
        await Assert.That(embedder.Calls).IsGreaterThan(0);
    }

    [Test]
    [Arguments("importance")]
    [Arguments("semantic")]
    [Arguments("rolling_summary")]
    [Arguments("hybrid")]
    public async Task WindowsAfterEveryUserMessageAndAfterUndoneTurnsHoldTheInvariants(string policyName)
    {
        // The smart policies keep per-conversation state (indexes, embeddings, clusters, the running summary)
        // across turns; turns that fail are undone. Every window along the way must still be valid.
        var windows = 0;
        Gen.Select(Gen.Int, Gen.Int[200, 3000]).Sample((seed, budget) =>
        {
            var messages = RandomConversation.Create(seed, 20, hugeChance: 0.02);
            var session = new MemorySession(new MemoryOptions { Budget = budget, Policy = MemoryPolicies.Create(policyName), Embedder = new HashingEmbedder() });
            var random = new Random(seed);
            for (var i = 0; i < messages.Count; i++)
            {
                session.Add(messages[i].Message, messages[i].Pinned);
                if (messages[i].Message.Role != ChatRole.User)
                {
                    continue;
                }

                var expectation = new WindowInvariants.Expectation(messages.Take(i + 1).ToList(), budget, 0, TokenCounter.Default, Sliding: false);
                if (Build(session, expectation))
                {
                    windows++;
                }

                // Now and then the turn fails: undo it and build again, as a retry would.
                if (random.NextDouble() < 0.2)
                {
                    session.Transcript.TruncateTo(session.Transcript.Count - 1);
                    session.Add(messages[i].Message, messages[i].Pinned);
                    Build(session, expectation);
                }
            }
        }, iter: 40, threads: 1);

        await Assert.That(windows).IsGreaterThan(300);
    }

    private static bool Build(MemorySession session, WindowInvariants.Expectation expectation)
    {
        try
        {
            var window = session.PrepareAsync().GetAwaiter().GetResult();
            WindowInvariants.Check(expectation, window);
            if (window.Report.Fallback is not null)
            {
                throw new InvalidOperationException("The policy fell back to sliding: " + window.Report.Fallback);
            }

            return true;
        }
        catch (MemoryBudgetException failure)
        {
            WindowInvariants.CheckFailure(expectation, failure);
            return false;
        }
    }
}

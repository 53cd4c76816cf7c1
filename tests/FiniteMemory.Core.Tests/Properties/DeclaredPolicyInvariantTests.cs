using FiniteMemory.Policies;
using FiniteMemory.Tests.Fakes;
using FiniteMemory.Tests.Support;
using FiniteMemory.Tokens;

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
}

using FiniteMemory.Policies;
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
    public async Task EveryWindowOfADeclaredPolicyHoldsTheInvariants(string policyName)
    {
        var (windows, fallbacks) = SessionWindowRuns.Check(TokenCounter.Default, () => MemoryPolicies.Create(policyName), sliding: false, iterations: 600);

        await Assert.That(windows).IsGreaterThan(400);

        // The generated pipeline itself never fails over to sliding.
        await Assert.That(fallbacks).IsEqualTo(0);
    }
}

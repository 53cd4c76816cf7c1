
namespace FiniteMemory.Tests.Summaries;

public class SummaryQualityGateTests
{
    private const string Source = "maya: Our flight BA249 lands at 10:30 on 3 April in Tokyo.\ntomas: Tomás is allergic to peanuts.";
    private static readonly TokenCounter Counter = TokenCounter.Default;

    [Test]
    public async Task AFaithfulSummaryPasses()
    {
        var verdict = new SummaryQualityGate().Check(Source, "- Flight BA249 lands in Tokyo 10:30, 3 April. Tomás: peanut allergy.", 100, Counter);
        await Assert.That(verdict.Passed).IsTrue().Because(verdict.Problem ?? string.Empty);
        await Assert.That(verdict.FactRecall).IsEqualTo(1.0);
    }

    [Test]
    public async Task ADroppedNumberFailsTheGateAndIsNamed()
    {
        var verdict = new SummaryQualityGate().Check(Source, "- The flight lands in Tokyo at 10:30 on 3 April. Tomás: peanut allergy.", 100, Counter);
        await Assert.That(verdict.Passed).IsFalse();
        await Assert.That(verdict.Missing).IsEquivalentTo(new[] { "ba249" });
        await Assert.That(verdict.Problem!).Contains("ba249");
    }

    [Test]
    public async Task AnInventedNumberFailsTheGate()
    {
        var verdict = new SummaryQualityGate().Check(Source, "- Flight BA249 lands in Tokyo at 11:45 on 3 April (10:30 local). Tomás: peanuts.", 100, Counter);
        await Assert.That(verdict.Passed).IsFalse();
        await Assert.That(verdict.Invented).IsEquivalentTo(new[] { "11:45" });
    }

    [Test]
    public async Task ASummaryOverItsTargetFailsTheGate()
    {
        var verdict = new SummaryQualityGate().Check(Source, "- Flight BA249 lands in Tokyo at 10:30 on 3 April. Tomás is allergic to peanuts.", 5, Counter);
        await Assert.That(verdict.Passed).IsFalse();
        await Assert.That(verdict.Problem!).Contains("more than its target of 5");
    }

    [Test]
    public async Task TheFloorLowersTheRequiredRecallToWhatTheExtractiveSummaryKeeps()
    {
        const string partial = "- Flight BA249 lands at 10:30.";
        var strict = new SummaryQualityGate(0.9).Check(Source, partial, 100, Counter);
        var floored = new SummaryQualityGate(0.9).Check(Source, partial, 100, Counter, floor: strict.FactRecall);
        await Assert.That(strict.Passed).IsFalse();
        await Assert.That(floored.Passed).IsTrue();
    }
}

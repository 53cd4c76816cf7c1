using FiniteMemory.Tests.Fakes;

namespace FiniteMemory.Evaluation.Tests;

public class MemoryEvaluatorTests
{
    // Every message costs 10 tokens and requests cost nothing extra, so windows can be worked out by hand.
    private static readonly FixedCostTokenCounter Counter = new(perMessage: 10);

    private static Task<EvaluationReport> EvaluateAsync(EvaluationDataset dataset, params string[] budgets) =>
        MemoryEvaluator.EvaluateAsync(dataset, new EvaluationOptions
        {
            Policies = ["sliding"],
            Budgets = [.. budgets.Select(EvaluationBudget.Parse)],
            TokenCounter = Counter,
        });

    [Test]
    public async Task SlidingScoresExactlyWhatItsWindowKeeps()
    {
        // Budget 40: the question (10) and the newest three turns t4, t5, t6.
        //   q1 evidence t1: missed; "biscuit" is nowhere in the window.
        //   q2 evidence t3: missed; "porto" is not in the window.
        //   q3 evidence t5: kept; "clara" is in the window.
        //   q4 evidence t3 and t5: half kept; "clara" is in the window.
        //   q5 evidence t1: missed; "biscuit" is only in the question itself, which does not count.
        var report = await EvaluateAsync(EvaluationDatasets.Tiny(), "40");
        var result = report.Results.Single();

        await Assert.That(result.Policy).IsEqualTo("sliding");
        await Assert.That(result.Budget).IsEqualTo(40);
        await Assert.That(result.BudgetPercent).IsNull();
        await Assert.That(result.Questions).IsEqualTo(5);
        await Assert.That(result.AllEvidenceRecall).IsEqualTo(0.2);
        await Assert.That(result.EvidenceRecall).IsEqualTo(0.3);
        await Assert.That(result.AnswerRecall).IsEqualTo(0.4);
        await Assert.That(result.MeanWindowTokens).IsEqualTo(40.0);
        await Assert.That(result.Failures).IsEqualTo(0);
        await Assert.That(result.Fallbacks).IsEqualTo(0);
        await Assert.That(result.MeanPolicyMs).IsGreaterThanOrEqualTo(0.0);
        await Assert.That(report.Conversations).IsEqualTo(1);
        await Assert.That(report.Turns).IsEqualTo(6);
        await Assert.That(report.Questions).IsEqualTo(5);
        await Assert.That(report.TranscriptTokens).IsEqualTo(60);
    }

    [Test]
    public async Task ABudgetCoveringTheWholeConversationKeepsEveryEvidenceTurn()
    {
        var result = (await EvaluateAsync(EvaluationDatasets.Tiny(), "70")).Results.Single();

        await Assert.That(result.AllEvidenceRecall).IsEqualTo(1.0);
        await Assert.That(result.EvidenceRecall).IsEqualTo(1.0);
        await Assert.That(result.AnswerRecall).IsEqualTo(1.0);
        await Assert.That(result.MeanWindowTokens).IsEqualTo(70.0);
    }

    [Test]
    public async Task APercentageBudgetIsTakenOfEachConversationsTurnTokens()
    {
        // 50% of 60 turn tokens is 30: the question and t5, t6.
        var result = (await EvaluateAsync(EvaluationDatasets.Tiny(), "50%")).Results.Single();

        await Assert.That(result.Budget).IsEqualTo(30);
        await Assert.That(result.BudgetPercent).IsEqualTo(50.0);
        await Assert.That(result.MeanWindowTokens).IsEqualTo(30.0);
        await Assert.That(result.AllEvidenceRecall).IsEqualTo(0.2);
        await Assert.That(result.EvidenceRecall).IsEqualTo(0.3);
    }

    [Test]
    public async Task QuestionsABudgetCannotHoldAreFailuresCountedAsMisses()
    {
        var result = (await EvaluateAsync(EvaluationDatasets.Tiny(), "5")).Results.Single();

        await Assert.That(result.Questions).IsEqualTo(5);
        await Assert.That(result.Failures).IsEqualTo(5);
        await Assert.That(result.AllEvidenceRecall).IsEqualTo(0.0);
        await Assert.That(result.AnswerRecall).IsEqualTo(0.0);
        await Assert.That(result.MeanWindowTokens).IsEqualTo(0.0);
    }

    [Test]
    public async Task ResultsComePolicyByPolicyWithTheBudgetsInTheOrderAsked()
    {
        var report = await EvaluateAsync(EvaluationDatasets.Tiny(), "70", "40", "50%");

        await Assert.That(report.Results.Select(r => r.Requested.ToString())).IsEquivalentTo(new[] { "70", "40", "50%" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(report.Results.Select(r => r.AllEvidenceRecall)).IsEquivalentTo(new[] { 1.0, 0.2, 0.2 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task AskingTheSameDatasetTwiceGivesTheSameNumbersBecauseEachQuestionIsRemovedAgain()
    {
        var dataset = EvaluationDatasets.Tiny();

        var first = Numbers(await EvaluateAsync(dataset, "40", "50%"));
        var second = Numbers(await EvaluateAsync(dataset, "40", "50%"));

        await Assert.That(second).IsEquivalentTo(first, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task AQuestionIdThatCollidesWithATurnIdIsStillAsked()
    {
        var json = EvaluationDatasets.TinyJson.Replace("\"id\":\"t6\"", "\"id\":\"q:q1\"", StringComparison.Ordinal);

        var result = (await EvaluateAsync(EvaluationDatasetFile.Parse(json), "40")).Results.Single();

        await Assert.That(result.Failures).IsEqualTo(0);
        await Assert.That(result.AllEvidenceRecall).IsEqualTo(0.2);
    }

    [Test]
    public async Task ResultsDoNotDependOnHowManyConversationsRunAtOnce()
    {
        var dataset = SyntheticDataset.Generate(seed: 7, EvaluationDatasets.Small);
        EvaluationOptions Options(int parallelism) => new()
        {
            Policies = ["sliding"],
            Budgets = [EvaluationBudget.OfPercent(10), EvaluationBudget.OfPercent(30), EvaluationBudget.OfTokens(600)],
            MaxDegreeOfParallelism = parallelism,
        };

        var sequential = await MemoryEvaluator.EvaluateAsync(dataset, Options(1));
        var parallel = await MemoryEvaluator.EvaluateAsync(dataset, Options(4));

        await Assert.That(Numbers(parallel)).IsEquivalentTo(Numbers(sequential), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(sequential.Results.Sum(r => r.AllEvidenceRecall)).IsGreaterThan(0.0);
    }

    [Test]
    public async Task AnUnknownPolicyIsAnArgumentExceptionListingTheKnownOnes()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => MemoryEvaluator.EvaluateAsync(EvaluationDatasets.Tiny(), new EvaluationOptions
        {
            Policies = ["lru"],
            Budgets = [EvaluationBudget.OfTokens(100)],
        }));

        await Assert.That(ex!.Message).Contains("Unknown policy 'lru'");
        await Assert.That(ex.Message).Contains("sliding");
    }

    [Test]
    public async Task NoPoliciesOrNoBudgetsIsAnArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => MemoryEvaluator.EvaluateAsync(EvaluationDatasets.Tiny(), new EvaluationOptions { Budgets = [EvaluationBudget.OfTokens(100)] }));
        await Assert.ThrowsAsync<ArgumentException>(() => MemoryEvaluator.EvaluateAsync(EvaluationDatasets.Tiny(), new EvaluationOptions { Policies = ["sliding"] }));
        await Assert.ThrowsAsync<ArgumentException>(() => MemoryEvaluator.EvaluateAsync(EvaluationDatasets.Tiny(), new EvaluationOptions { Policies = ["sliding"], Budgets = [default] }));
    }

    // Everything but the timing.
    private static List<string> Numbers(EvaluationReport report) =>
        [.. report.Results.Select(r => $"{r.Policy} {r.Requested} {r.Budget} {r.Questions} {r.AllEvidenceRecall:R} {r.EvidenceRecall:R} {r.AnswerRecall:R} {r.MeanWindowTokens:R} {r.Failures} {r.Fallbacks}")];
}

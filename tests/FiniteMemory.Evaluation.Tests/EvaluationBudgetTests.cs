namespace FiniteMemory.Evaluation.Tests;

public class EvaluationBudgetTests
{
    [Test]
    [Arguments("4000", 4000, null)]
    [Arguments(" 120 ", 120, null)]
    [Arguments("10%", null, 10.0)]
    [Arguments("2.5%", null, 2.5)]
    [Arguments("100 %", null, 100.0)]
    public async Task BudgetsParseAsTokensOrPercentages(string text, int? tokens, double? percent)
    {
        var budget = EvaluationBudget.Parse(text);

        await Assert.That(budget.Tokens).IsEqualTo(tokens);
        await Assert.That(budget.Percent).IsEqualTo(percent);
    }

    [Test]
    [Arguments("0", "positive number of tokens")]
    [Arguments("-5", "positive number of tokens")]
    [Arguments("99999999999", "positive number of tokens")]
    [Arguments("0%", "greater than 0%")]
    [Arguments("-3%", "greater than 0%")]
    [Arguments("150%", "at most 100%")]
    [Arguments("ten%", "not a percentage")]
    [Arguments("lots", "neither a number of tokens")]
    [Arguments("", "neither a number of tokens")]
    public async Task BadBudgetsSayWhatIsWrong(string text, string problem)
    {
        await Assert.That(EvaluationBudget.TryParse(text, out _, out var error)).IsFalse();
        await Assert.That(error).Contains(problem);
    }

    [Test]
    public async Task APercentageBudgetIsThatShareOfTheConversationRoundedToTheNearestToken()
    {
        var tenPercent = EvaluationBudget.OfPercent(10);

        await Assert.That(tenPercent.TokensFor(36_745)).IsEqualTo(3_675);
        await Assert.That(tenPercent.TokensFor(36_744)).IsEqualTo(3_674);
        await Assert.That(tenPercent.TokensFor(3)).IsEqualTo(1);
        await Assert.That(EvaluationBudget.OfTokens(500).TokensFor(36_745)).IsEqualTo(500);
        await Assert.That(tenPercent.ToString()).IsEqualTo("10%");
        await Assert.That(EvaluationBudget.Parse("2.5%").ToString()).IsEqualTo("2.5%");
    }
}

namespace FiniteMemory.Evaluation.Tests.Hostile;

/// <summary>Issue 20, item 12: a lone surrogate (an emoji cut in half by JavaScript) in a dataset never crashes the reader.</summary>
public class LoneSurrogateTests
{
    [Test]
    public async Task AnEvaluationDatasetWithALoneSurrogateIsReadWithAReplacementCharacter()
    {
        var json = """
            {"conversations":[{"id":"c1","turns":[
              {"id":"t1","role":"user","text":"my dog \ud83d is Rex"},
              {"id":"t2","role":"assistant","text":"nice"}],
              "questions":[{"id":"q1","question":"dog name \ud83d?","answer":"Rex","evidence":["t1"]}]}]}
            """;

        var dataset = EvaluationDatasetFile.Parse(json);

        await Assert.That(dataset.Conversations[0].Turns[0].Text).IsEqualTo("my dog \uFFFD is Rex");
    }
}

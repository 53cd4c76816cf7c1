namespace FiniteMemory.Evaluation.Tests;

public class EvaluationDatasetFileTests
{
    [Test]
    public async Task ADatasetReadsWithEveryFieldAndSurvivesARoundTrip()
    {
        var dataset = EvaluationDatasets.Tiny();

        var conversation = dataset.Conversations.Single();
        await Assert.That(conversation.Id).IsEqualTo("c1");
        await Assert.That(conversation.Turns.Count).IsEqualTo(6);
        await Assert.That(conversation.Turns[0].Speaker).IsEqualTo("Ann Lee");
        await Assert.That(conversation.Turns[0].IsUser).IsTrue();
        await Assert.That(conversation.Turns[1].IsUser).IsFalse();
        await Assert.That(conversation.Turns[3].Session).IsEqualTo(2);
        await Assert.That(conversation.Questions[3].Evidence).IsEquivalentTo(new[] { "t3", "t5" });

        var again = EvaluationDatasetFile.Parse(EvaluationDatasetFile.Serialize(dataset));
        await Assert.That(EvaluationDatasetFile.Serialize(again)).IsEqualTo(EvaluationDatasetFile.Serialize(dataset));
    }

    [Test]
    public async Task WrittenDatasetsKeepApostrophesReadableAndUseLineFeeds()
    {
        var json = EvaluationDatasetFile.Serialize(EvaluationDatasetFile.Parse(EvaluationDatasets.TinyJson.Replace("Nice city.", "It's a nice city.", StringComparison.Ordinal)));

        await Assert.That(json).Contains("It's a nice city.");
        await Assert.That(json).DoesNotContain("\r");
    }

    [Test]
    public async Task AMissingFileIsAFileNotFoundExceptionNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), "fmem-no-such-dataset-" + Guid.NewGuid().ToString("N") + ".json");

        var ex = Assert.Throws<FileNotFoundException>(() => EvaluationDatasetFile.Read(path));

        await Assert.That(ex!.Message).Contains(path);
    }

    [Test]
    public async Task MalformedJsonNamesTheLineAndBytePosition()
    {
        var json = "{\"conversations\": [\n  {\"id\": \"c1\",\n   \"turns\": [ {\"id\": \"t1\" \"role\": \"user\"} ]}\n]}";

        var ex = Assert.Throws<FormatException>(() => EvaluationDatasetFile.Parse(json));

        await Assert.That(ex!.Message).Contains("invalid JSON at line 3, byte position");
    }

    [Test]
    public async Task AFieldOfTheWrongTypeNamesItsPath()
    {
        var json = EvaluationDatasets.TinyJson.Replace("\"session\":2}", "\"session\":\"two\"}", StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => EvaluationDatasetFile.Parse(json));

        await Assert.That(ex!.Message).Contains("$.conversations[0].turns[3].session (line 6, byte position 92)");
        await Assert.That(ex.Message).Contains("has the wrong type");
    }

    [Test]
    public async Task ANullWhereAValueBelongsNamesItsPath()
    {
        var json = EvaluationDatasets.TinyJson.Replace("\"text\":\"Nice city.\"", "\"text\":null", StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => EvaluationDatasetFile.Parse(json));

        await Assert.That(ex!.Message).Contains("$.conversations[0].turns[3].text");
        await Assert.That(ex.Message).Contains("is null");
    }

    [Test]
    [Arguments("", "empty")]
    [Arguments("null", "'null'")]
    [Arguments("{}", "no conversations")]
    [Arguments("{\"conversations\":[]}", "no conversations")]
    public async Task AFileWithoutConversationsIsRejected(string json, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => EvaluationDatasetFile.Parse(json));

        await Assert.That(ex!.Message).Contains(problem);
    }

    [Test]
    [Arguments("\"id\":\"t4\"", "\"id\":\"t2\"", "conversation 'c1': turn id 't2' is used by turns #2 and #4")]
    [Arguments("\"evidence\":[\"t3\"]", "\"evidence\":[\"t9\"]", "conversation 'c1', question 'q2': evidence 't9' is not a turn")]
    [Arguments("\"evidence\":[\"t3\"]", "\"evidence\":[]", "conversation 'c1', question 'q2' has no evidence")]
    [Arguments("\"text\":\"Nice city.\"", "\"text\":\"  \"", "conversation 'c1', turn 't4' has an empty \"text\"")]
    [Arguments("\"role\":\"assistant\",\"text\":\"Nice city.\"", "\"role\":\"bot\",\"text\":\"Nice city.\"", "turn 't4' has the role 'bot'; expected \"user\" or \"assistant\"")]
    [Arguments("\"role\":\"assistant\",\"text\":\"Nice city.\"", "\"text\":\"Nice city.\"", "turn 't4' has no \"role\"")]
    [Arguments("\"question\":\"Where do I live?\"", "\"question\":\"\"", "question 'q2' has an empty \"question\"")]
    [Arguments("\"answer\":\"Porto\"", "\"answer\":\"\"", "question 'q2' has an empty \"answer\"")]
    [Arguments("{\"id\":\"q2\"", "{\"id\":\"q1\"", "question id 'q1' is used twice")]
    [Arguments("\"session\":2}", "\"session\":0}", "has the session 0")]
    [Arguments("{\"id\":\"t1\",", "{", "turn #1 has no \"id\"")]
    public async Task AnInvalidDatasetNamesTheConversationQuestionAndId(string from, string to, string problem)
    {
        var json = ReplaceFirst(EvaluationDatasets.TinyJson, from, to);

        var ex = Assert.Throws<FormatException>(() => EvaluationDatasetFile.Parse(json));

        await Assert.That(ex!.Message).Contains(problem);
    }

    [Test]
    public async Task TwoConversationsWithOneIdAreRejected()
    {
        var one = EvaluationDatasets.TinyJson.Trim();
        var conversation = one[(one.IndexOf('[', StringComparison.Ordinal) + 1)..one.LastIndexOf(']')];
        var json = "{\"conversations\":[" + conversation + "," + conversation + "]}";

        var ex = Assert.Throws<FormatException>(() => EvaluationDatasetFile.Parse(json));

        await Assert.That(ex!.Message).Contains("conversation id 'c1' is used by conversations #1 and #2");
    }

    [Test]
    public async Task ADatasetWithoutAnyQuestionIsRejected()
    {
        var json = """{"conversations":[{"id":"c1","turns":[{"id":"t1","role":"user","text":"Hello."}],"questions":[]}]}""";

        var ex = Assert.Throws<FormatException>(() => EvaluationDatasetFile.Parse(json));

        await Assert.That(ex!.Message).Contains("no questions");
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        var at = text.IndexOf(from, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new ArgumentException($"'{from}' is not in the text.", nameof(from));
        }

        return string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length));
    }
}

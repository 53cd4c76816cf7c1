using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Hostile;

/// <summary>Issue 20, item 12: a lone surrogate (an emoji cut in half by JavaScript) never crashes anything.</summary>
public class LoneSurrogateTests
{
    [Test]
    public async Task AJsonlLineWithALoneSurrogateIsReadWithAReplacementCharacter()
    {
        var text = """
            {"role":"user","content":"cut \ud83d emoji","name":"ann\ud83d"}
            {"role":"assistant","content":[{"type":"text","text":"low \ude00 alone"}]}
            {"role":"assistant","content":null,"tool_calls":[{"id":"c\ud83d","type":"function","function":{"name":"f","arguments":"{\"q\":\"\\ud83d\"}"}}]}
            {"role":"tool","tool_call_id":"c\ud83d","content":"done \ud83d"}
            """;

        var messages = ChatJsonl.Read(new StringReader(text));

        await Assert.That(messages.Count).IsEqualTo(4);
        await Assert.That(messages[0].Message.Text).IsEqualTo("cut \uFFFD emoji");
        await Assert.That(messages[0].Message.AuthorName).IsEqualTo("ann\uFFFD");
        await Assert.That(messages[1].Message.Text).IsEqualTo("low \uFFFD alone");
        var call = messages[2].Message.Contents.OfType<FunctionCallContent>().Single();
        await Assert.That(call.CallId).IsEqualTo("c\uFFFD");
        await Assert.That(messages[3].Message.Contents.OfType<FunctionResultContent>().Single().CallId).IsEqualTo("c\uFFFD");
    }

    [Test]
    public async Task TheTokenCounterCountsTextWithLoneSurrogates()
    {
        var counter = TokenCounter.Default;
        string[] texts = ["\ud83d", "a\ud83d", "\ude00b", "x\ud83d\ud83dy", "\ud83d\ude00\ud83d", new string('\ud83d', 5000)];
        foreach (var text in texts)
        {
            await Assert.That(counter.CountTokens(text)).IsGreaterThan(0);
            await Assert.That(counter.CountMessage(new ChatMessage(ChatRole.User, text))).IsGreaterThan(0);
        }
    }

    [Test]
    public async Task AMessageWithALoneSurrogateAddedThroughTheApiBuildsAWindow()
    {
        var session = new MemorySession(new MemoryOptions { Budget = 200 });
        session.Add(new ChatMessage(ChatRole.User, "cut \ud83d emoji " + new string('\ude00', 3)));

        var window = await session.PrepareAsync();

        await Assert.That(window.Messages.Count).IsEqualTo(1);
    }

    [Test]
    public async Task ASessionHoldingALoneSurrogateSavesAndRestoresItsCheckpoint()
    {
        var path = Path.Combine(Path.GetTempPath(), "fm-surrogate-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var session = new MemorySession(new MemoryOptions { Budget = 200 });
            session.Add(new ChatMessage(ChatRole.User, "cut \ud83d emoji"));
            await session.SaveCheckpointAsync(path);

            var restored = await MemorySession.LoadAsync(path, null, new MemoryOptions { Budget = 200 });

            await Assert.That(restored.Transcript.Count).IsEqualTo(1);
            await Assert.That(restored.Transcript[0].Message.Text).StartsWith("cut ");
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Stages;

public class SlidingPolicyTests
{
    private static readonly TokenCounter Counter = TokenCounter.Default;

    private static int Cost(string role, string text) => Counter.CountMessage(new ChatMessage(new ChatRole(role), text));

    private static MemorySession Session(int budget, params (string Role, string Text)[] messages)
    {
        var session = new MemorySession(new MemoryOptions { Budget = budget });
        for (var i = 0; i < messages.Length; i++)
        {
            session.Add(new ChatMessage(new ChatRole(messages[i].Role), messages[i].Text), id: "m" + (i + 1));
        }

        return session;
    }

    [Test]
    public async Task KeepsTheSystemMessageAndTheNewestMessagesThatFit()
    {
        (string, string)[] messages =
        [
            ("system", "You are terse."),
            ("user", "first question about trains"),
            ("assistant", "first answer about trains"),
            ("user", "second question about hotels"),
            ("assistant", "second answer about hotels"),
            ("user", "third question about food"),
        ];

        // Exactly room for the system message and the last three messages.
        var budget = Counter.RequestOverhead + Cost("system", "You are terse.") + Cost("user", "second question about hotels")
            + Cost("assistant", "second answer about hotels") + Cost("user", "third question about food");
        var window = await Session(budget, messages).PrepareAsync();

        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "m1", "m4", "m5", "m6" });
        await Assert.That(window.Report.Evicted).IsEquivalentTo(new[] { "m2", "m3" });
        await Assert.That(window.Tokens).IsEqualTo(budget - Counter.RequestOverhead);

        // One token less and the oldest of the three no longer fits.
        var tighter = await Session(budget - 1, messages).PrepareAsync();
        await Assert.That(tighter.Report.Kept).IsEquivalentTo(new[] { "m1", "m5", "m6" });
    }

    [Test]
    public async Task AToolExchangeAtTheBoundaryIsDroppedWholeAndSlidingStopsThere()
    {
        var session = new MemorySession(new MemoryOptions { Budget = 120 });
        session.Add(new ChatMessage(ChatRole.User, "old question"), id: "u1");
        session.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "search", new Dictionary<string, object?> { ["q"] = "x" })]), id: "call");
        session.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", string.Join(" ", Enumerable.Repeat("long result", 80)))]), id: "result");
        session.Add(new ChatMessage(ChatRole.Assistant, "summary of the result"), id: "a1");
        session.Add(new ChatMessage(ChatRole.User, "new question"), id: "u2");

        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "a1", "u2" });
        await Assert.That(window.Report.Evicted).IsEquivalentTo(new[] { "u1", "call", "result" });
    }

    [Test]
    public async Task ANewestUserMessageLargerThanTheBudgetIsTruncatedWithAMarker()
    {
        var huge = string.Join(" ", Enumerable.Range(1, 800).Select(i => $"Line {i} of the pasted itinerary."));
        var session = Session(300, ("system", "Be brief."), ("user", "hello"), ("assistant", "hi"), ("user", huge));

        var window = await session.PrepareAsync();
        var query = window.Messages[^1];

        await Assert.That(query.Id).IsEqualTo("m4");
        await Assert.That(query.Truncated).IsTrue();
        await Assert.That(query.Message.Text).StartsWith("Line 1 of the pasted itinerary.");
        await Assert.That(query.Message.Text).EndsWith("Line 800 of the pasted itinerary.");
        await Assert.That(query.Message.Text).Contains(TextTruncator.MarkerTag);
        await Assert.That(window.Report.Truncated).IsEquivalentTo(new[] { "m4" });
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(300 - Counter.RequestOverhead);

        // The transcript keeps the message whole.
        await Assert.That(session.Transcript.Find("m4")!.Message.Text).IsEqualTo(huge);
    }

    [Test]
    public async Task PinnedMessagesThatDoNotFitAreAClearError()
    {
        var session = Session(40, ("system", string.Join(" ", Enumerable.Repeat("rule", 60))), ("user", "hi"));
        var error = await Assert.That(async () => await session.PrepareAsync()).ThrowsExactly<MemoryBudgetException>();
        await Assert.That(error!.Message).Contains("The system and pinned messages need");
        await Assert.That(error.Message).Contains("Raise the budget or unpin messages");
        await Assert.That(error.Required).IsGreaterThan(error.Budget);
    }

    [Test]
    public async Task AHugeToolResultInTheTurnInProgressIsTruncatedRatherThanLost()
    {
        var session = new MemorySession(new MemoryOptions { Budget = 400 });
        session.Add(new ChatMessage(ChatRole.User, "earlier"), id: "u1");
        session.Add(new ChatMessage(ChatRole.User, "fetch the hotel list"), id: "u2");
        session.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c9", "search_hotels", new Dictionary<string, object?> { ["city"] = "Kyoto" })]), id: "call");
        var list = string.Join(" ", Enumerable.Range(1, 2000).Select(i => $"Hotel {i} is near the station."));
        session.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c9", list)]), id: "result");

        var window = await session.PrepareAsync();
        var ids = window.Report.Kept;

        await Assert.That(ids).Contains("call");
        await Assert.That(ids).Contains("result");
        await Assert.That(window.Report.Truncated).IsEquivalentTo(new[] { "result" });
        var result = (FunctionResultContent)window.Messages.Single(m => m.Id == "result").Message.Contents[0];
        await Assert.That((string)result.Result!).Contains(TextTruncator.MarkerTag);
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(400 - Counter.RequestOverhead);
    }

    [Test]
    public async Task AConversationWithoutAUserMessageKeepsItsNewestMessages()
    {
        var window = await Session(1000, ("system", "s"), ("assistant", "a greeting")).PrepareAsync();
        await Assert.That(window.Report.Kept).IsEquivalentTo(new[] { "m1", "m2" });
    }
}

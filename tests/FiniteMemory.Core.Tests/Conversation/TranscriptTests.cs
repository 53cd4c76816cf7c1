using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Conversation;

public class TranscriptTests
{
    private static Transcript New() => new(TokenCounter.Default);

    private static ChatMessage Calls(params string[] ids) =>
        new(ChatRole.Assistant, [.. ids.Select(id => (AIContent)new FunctionCallContent(id, "lookup", new Dictionary<string, object?> { ["q"] = id }))]);

    private static ChatMessage Result(string id) => new(ChatRole.Tool, [new FunctionResultContent(id, "result of " + id)]);

    [Test]
    public async Task IdsComeFromTheCallerThenTheMessageThenAreGenerated()
    {
        var t = New();
        var a = t.Add(new ChatMessage(ChatRole.User, "a"), id: "first");
        var b = t.Add(new ChatMessage(ChatRole.User, "b") { MessageId = "msg-b" });
        var c = t.Add(new ChatMessage(ChatRole.User, "c"));
        await Assert.That(new[] { a.Id, b.Id, c.Id }).IsEquivalentTo(new[] { "first", "msg-b", "m1" });
        await Assert.That(t.Find("msg-b")).IsSameReferenceAs(b);
    }

    [Test]
    public async Task AnExplicitDuplicateIdIsRejectedAndNothingIsAdded()
    {
        var t = New();
        t.Add(new ChatMessage(ChatRole.User, "a"), id: "x");
        var error = await Assert.That(() => t.Add(new ChatMessage(ChatRole.User, "b"), id: "x")).ThrowsExactly<ArgumentException>();
        await Assert.That(error!.Message).Contains("'x' is already in the transcript");
        await Assert.That(t.Count).IsEqualTo(1);
    }

    [Test]
    public async Task ARepeatedProviderMessageIdFallsBackToAGeneratedId()
    {
        var t = New();
        t.Add(new ChatMessage(ChatRole.Assistant, "part one") { MessageId = "resp_1" });
        var second = t.Add(new ChatMessage(ChatRole.Assistant, "part two") { MessageId = "resp_1" });
        await Assert.That(second.Id).IsEqualTo("m1");
    }

    [Test]
    public async Task TurnsCountUserMessages()
    {
        var t = New();
        var system = t.Add(new ChatMessage(ChatRole.System, "s"));
        var u1 = t.Add(new ChatMessage(ChatRole.User, "u1"));
        var a1 = t.Add(new ChatMessage(ChatRole.Assistant, "a1"));
        var u2 = t.Add(new ChatMessage(ChatRole.User, "u2"));
        await Assert.That(new[] { system.Turn, u1.Turn, a1.Turn, u2.Turn }).IsEquivalentTo(new[] { 0, 1, 1, 2 });
        await Assert.That(t.LastUserIndex).IsEqualTo(3);
    }

    [Test]
    public async Task ParallelCallsAndTheirResultsInAnyOrderFormOneGroup()
    {
        var t = New();
        t.Add(new ChatMessage(ChatRole.User, "go"));
        var call = t.Add(Calls("c1", "c2"));
        var r2 = t.Add(Result("c2"));
        var r1 = t.Add(Result("c1"));
        var after = t.Add(new ChatMessage(ChatRole.Assistant, "done"));

        await Assert.That(r1.Group).IsEqualTo(call.Group);
        await Assert.That(r2.Group).IsEqualTo(call.Group);
        await Assert.That(after.Group).IsNotEqualTo(call.Group);
        var group = t.Groups[call.Group];
        await Assert.That(group.Members).IsEquivalentTo(new[] { 1, 2, 3 });
        await Assert.That(group.Tokens).IsEqualTo(call.Tokens + r1.Tokens + r2.Tokens);
        await Assert.That(group.HasFunctionCalls).IsTrue();
    }

    [Test]
    public async Task AResultWhoseCallIsUnknownStandsAlone()
    {
        var t = New();
        var orphan = t.Add(Result("nobody-called-me"));
        await Assert.That(t.Groups[orphan.Group].Members).IsEquivalentTo(new[] { 0 });
    }

    [Test]
    public async Task SystemMessagesAndPinnedMessagesMakeTheirGroupsMandatory()
    {
        var t = New();
        var system = t.Add(new ChatMessage(ChatRole.System, "s"));
        t.Add(new ChatMessage(ChatRole.User, "u"));
        var call = t.Add(Calls("c1"));
        t.Add(Result("c1"), pinned: true);
        var marked = t.Add(new ChatMessage(ChatRole.User, "keep me").Pin());
        await Assert.That(t.MandatoryGroups).IsEquivalentTo(new[] { system.Group, call.Group, marked.Group });
        await Assert.That(marked.Pinned).IsTrue();
    }

    [Test]
    public async Task PinningAndUnpinningUpdatesTheMandatoryGroups()
    {
        var t = New();
        var u = t.Add(new ChatMessage(ChatRole.User, "u"));
        t.SetPinned(u.Id, true);
        await Assert.That(t.MandatoryGroups).IsEquivalentTo(new[] { u.Group });
        await Assert.That(t[u.Index].Pinned).IsTrue();
        t.SetPinned(u.Id, false);
        await Assert.That(t.MandatoryGroups).IsEmpty();
        await Assert.That(() => t.SetPinned("missing", true)).ThrowsExactly<KeyNotFoundException>();
    }

    [Test]
    public async Task TotalTokensIsTheSumOfTheEntries()
    {
        var t = New();
        t.Add(new ChatMessage(ChatRole.User, "one two three"));
        t.Add(new ChatMessage(ChatRole.Assistant, "四 五 六"));
        await Assert.That(t.TotalTokens).IsEqualTo(t.Sum(e => (long)e.Tokens));
        await Assert.That(t[0].Tokens).IsEqualTo(TokenCounter.Default.CountMessage(t[0].Message));
    }
}

public class TranscriptAddRangeTests
{
    [Test]
    public async Task AddRangeCountsLikeAddOneByOneEvenInParallel()
    {
        var messages = FiniteMemory.Tests.Support.RandomConversation.Create(7, 60).Select(m => m.Message).ToList();
        var one = new Transcript(TokenCounter.Default);
        foreach (var m in messages)
        {
            one.Add(m);
        }

        var range = new Transcript(TokenCounter.Default);
        var added = range.AddRange(messages);

        await Assert.That(added.Count).IsEqualTo(messages.Count);
        await Assert.That(range.Select(e => (e.Id, e.Tokens, e.Group, e.Turn))).IsEquivalentTo(one.Select(e => (e.Id, e.Tokens, e.Group, e.Turn)));
        await Assert.That(range.TotalTokens).IsEqualTo(one.TotalTokens);
    }

    [Test]
    public async Task AddRangeTakesIdsAndPinsFromTheMessages()
    {
        var t = new Transcript(TokenCounter.Default);
        var added = t.AddRange([new ChatMessage(ChatRole.User, "a") { MessageId = "x" }, new ChatMessage(ChatRole.User, "b").Pin()]);
        await Assert.That(added[0].Id).IsEqualTo("x");
        await Assert.That(added[1].Pinned).IsTrue();
    }

    [Test]
    public async Task AddRangeRejectsABatchWithANullMessageWithoutAddingAnyOfIt()
    {
        var t = new Transcript(TokenCounter.Default);
        t.Add(new ChatMessage(ChatRole.User, "first"));
        var batch = Enumerable.Range(0, 40).Select(i => new ChatMessage(ChatRole.User, $"m {i}")).ToList();
        batch.Insert(20, null!);

        await Assert.That(() => t.AddRange(batch)).Throws<ArgumentNullException>();
        await Assert.That(t.Count).IsEqualTo(1);
        await Assert.That(t.Groups.Count).IsEqualTo(1);
        await Assert.That(t.Turn).IsEqualTo(1);
    }
}

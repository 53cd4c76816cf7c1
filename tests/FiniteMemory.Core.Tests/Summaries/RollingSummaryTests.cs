using Microsoft.Extensions.AI;
using FiniteMemory.Stages;
using FiniteMemory.Tests.Fakes;
using FiniteMemory.Tests.Support;

namespace FiniteMemory.Tests.Summaries;

public class RollingSummaryTests
{
    /// <summary>Records every request and answers with the extractive summary.</summary>
    private sealed class RecordingSummarizer(int maxInputTokens = int.MaxValue) : IConversationSummarizer
    {
        public List<SummaryRequest> Requests { get; } = [];

        public string Name => "recording";

        public int MaxInputTokens => maxInputTokens;

        public ValueTask<string> SummarizeAsync(SummaryRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return ValueTask.FromResult(ExtractiveSummarizer.Summarize(request));
        }
    }

    private static AsyncDelegatePolicy Policy(double foldAt = 0, double share = 0.4) =>
        new("rolling-test", async (f, ct) =>
        {
            KeepRecentStage.Run(f, maxTurns: 2);
            await SummarizeStage.RunAsync(f, ct, budgetShare: share, foldAt: foldAt);
        });

    private static MemorySession Session(int budget, IConversationSummarizer? summarizer = null, double foldAt = 0, IChatClient? client = null) =>
        new(client, new MemoryOptions { Budget = budget, Policy = Policy(foldAt), Summarizer = summarizer });

    private static void Talk(MemorySession session, int from, int to)
    {
        for (var t = from; t < to; t++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"Turn {t}: my locker number {t} is in building B{t}, and the code is {1000 + t}.") { AuthorName = "ann" }, id: $"u{t}");
            session.Add(new ChatMessage(ChatRole.Assistant, $"Noted: locker {t}, building B{t}, code {1000 + t}. Anything else?"), id: $"a{t}");
        }
    }

    [Test]
    public async Task EvictedTurnsAreFoldedIntoASummaryPlacedAfterTheSystemMessage()
    {
        var session = Session(400);
        session.AddSystem("You are a helpful assistant.");
        Talk(session, 1, 20);
        session.Add(new ChatMessage(ChatRole.User, "Which building is locker 3 in?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(window.Messages[0].Message.Role).IsEqualTo(ChatRole.System);
        await Assert.That(window.Messages[1].Id).IsEqualTo(FrameSummary.Id);
        await Assert.That(window.Messages[1].Reason).IsEqualTo(KeepReason.Summary);
        await Assert.That(window.Messages[1].Message.Text).StartsWith("[Summary of ");
        await Assert.That(window.Report.Summarized).Contains("u1");
        await Assert.That(window.Report.Summarized.Intersect(window.Report.Kept)).IsEmpty();
        await Assert.That(window.Stats.SummariesCreated).IsEqualTo(1);
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(window.Available);

        // Every evicted message is either summarized or newer than what the summary covers.
        await Assert.That(window.Report.Evicted.All(window.Report.Summarized.Contains)).IsTrue();
    }

    [Test]
    public async Task EachFoldReadsThePreviousSummaryAndOnlyNewlyEvictedMessages()
    {
        var summarizer = new RecordingSummarizer();
        var session = Session(400, summarizer);
        Talk(session, 1, 12);
        session.Add(new ChatMessage(ChatRole.User, "first question?"), id: "q1");
        var first = await session.PrepareAsync();
        session.RecordResponse(new ChatResponse(new ChatMessage(ChatRole.Assistant, "first answer")));
        Talk(session, 12, 20);
        session.Add(new ChatMessage(ChatRole.User, "second question?"), id: "q2");
        var second = await session.PrepareAsync();

        await Assert.That(summarizer.Requests.Count).IsEqualTo(2);
        await Assert.That(summarizer.Requests[0].PreviousSummary).IsNull();
        await Assert.That(summarizer.Requests[1].PreviousSummary).IsNotNull();
        var seen = summarizer.Requests[0].Lines.ToHashSet();
        await Assert.That(summarizer.Requests[1].Lines.Any(seen.Contains)).IsFalse();
        await Assert.That(second.Report.Summarized.Take(first.Report.Summarized.Count)).IsEquivalentTo(first.Report.Summarized);
        await Assert.That(second.Report.Summarized.Count).IsGreaterThan(first.Report.Summarized.Count);
        await Assert.That(session.Stats.SummariesCreated).IsEqualTo(2);
    }

    [Test]
    public async Task NothingIsFoldedUntilTheEvictedPartReachesTheThreshold()
    {
        var summarizer = new RecordingSummarizer();
        var session = Session(400, summarizer, foldAt: 100);
        Talk(session, 1, 20);
        session.Add(new ChatMessage(ChatRole.User, "question?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(summarizer.Requests).IsEmpty();
        await Assert.That(window.Messages.Any(m => m.Index < 0)).IsFalse();
        await Assert.That(window.Report.Summarized).IsEmpty();
    }

    [Test]
    public async Task EveryRequestStaysWithinTheSummarizersInputLimitAndAHugeMessageGoesInPieces()
    {
        var summarizer = new RecordingSummarizer(maxInputTokens: 700);
        var session = Session(1_000, summarizer);
        Talk(session, 1, 10);
        session.Add(new ChatMessage(ChatRole.Assistant, string.Join(' ', Enumerable.Range(0, 1500).Select(i => $"word{i}."))), id: "huge");
        Talk(session, 10, 30);
        session.Add(new ChatMessage(ChatRole.User, "question?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(summarizer.Requests.Count).IsGreaterThan(2);
        foreach (var request in summarizer.Requests)
        {
            var tokens = request.Lines.Sum(l => session.TokenCounter.CountTokens(l)) + session.TokenCounter.CountTokens(request.PreviousSummary ?? string.Empty);
            await Assert.That(tokens).IsLessThanOrEqualTo(700);
        }

        await Assert.That(summarizer.Requests.Count(r => r.Lines.Any(l => l.Contains("word700.", StringComparison.Ordinal)))).IsEqualTo(1);
        await Assert.That(window.Report.Summarized).Contains("huge");
    }

    [Test]
    public async Task AModelSummaryThatDropsANumberIsRetriedOnceThenReplacedByTheExtractiveOne()
    {
        var model = new FakeChatClient { DefaultReply = FakeReply.Say("- ann: has lockers in several buildings.") };
        var session = Session(400, new ChatClientSummarizer(model));
        Talk(session, 1, 20);
        session.Add(new ChatMessage(ChatRole.User, "question?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(model.CallCount).IsEqualTo(2);
        await Assert.That(model.Requests[1].Last.Text).Contains("rejected because the summary keeps");
        await Assert.That(window.Report.Notes.Single()).Contains("failed the quality gate twice");
        await Assert.That(window.Messages[0].Message.Text).Contains("code 10");
    }

    [Test]
    public async Task AFaithfulModelSummaryIsUsed()
    {
        var model = new FakeChatClient();
        model.Responder = request =>
        {
            // Echo every fact line back in short form: passes the gate.
            var lines = request.Last.Text!.Split('\n').Where(l => l.StartsWith("ann: ", StringComparison.Ordinal)).Select(l => "- " + l);
            return FakeReply.Say(string.Join('\n', lines.Take(3)));
        };
        var session = new MemorySession(new MemoryOptions { Budget = 4000, Policy = Policy(share: 0.5), Summarizer = new ChatClientSummarizer(model) });
        Talk(session, 1, 3);
        session.Add(new ChatMessage(ChatRole.Assistant, string.Join(' ', Enumerable.Repeat("filler text without facts.", 400))), id: "filler");
        Talk(session, 3, 5);
        session.Add(new ChatMessage(ChatRole.User, "question?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(model.CallCount).IsEqualTo(1);
        await Assert.That(window.Report.Notes).IsEmpty();
        await Assert.That(session.Transcript.TryGetState<RollingSummary>(out var state)).IsTrue();
        await Assert.That(state!.Summarizer).IsEqualTo("llm");
    }

    [Test]
    public async Task AFailingSummarizerIsReplacedByTheExtractiveOneAndTheReportSaysSo()
    {
        var model = new FakeChatClient { DefaultReply = FakeReply.Fail(new HttpRequestException("connection refused")) };
        var session = Session(400, new ChatClientSummarizer(model));
        Talk(session, 1, 20);
        session.Add(new ChatMessage(ChatRole.User, "question?"), id: "q");

        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Fallback).IsNull();
        await Assert.That(window.Report.Notes.Single()).Contains("HttpRequestException: connection refused");
        await Assert.That(window.Messages.Any(m => m.Index < 0)).IsTrue();
    }

    [Test]
    public async Task UndoingMessagesTheSummaryCoversReturnsItToTheLastFoldBeforeThem()
    {
        var session = Session(400);
        Talk(session, 1, 12);
        session.Add(new ChatMessage(ChatRole.User, "first?"), id: "q1");
        await session.PrepareAsync();
        session.Transcript.TryGetState<RollingSummary>(out var state);
        var firstText = state!.Text;
        var firstCovered = state.Covered.ToList();
        var count = session.Transcript.Count;

        Talk(session, 12, 20);
        session.Add(new ChatMessage(ChatRole.User, "second?"), id: "q2");
        await session.PrepareAsync();
        await Assert.That(state.Covered.Count).IsGreaterThan(firstCovered.Count);

        session.Transcript.TruncateTo(count);

        await Assert.That(state.Text).IsEqualTo(firstText);
        await Assert.That(state.Covered).IsEquivalentTo(firstCovered);
        session.Transcript.TruncateTo(firstCovered[0]);
        await Assert.That(state.Text).IsNull();
        await Assert.That(state.Covered).IsEmpty();
    }
}

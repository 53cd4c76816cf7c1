using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Tests.Sessions.SessionTestText;

namespace FiniteMemory.Tests.Sessions;

public class MemorySessionTests
{
    /// <summary>Turns a hang into a failure; nothing here waits on it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static MemorySession NewSession(FakeChatClient fake, int budget, int reserve = 0, ITokenCounter? counter = null, bool calibrate = true) =>
        new(fake, new MemoryOptions { Budget = budget, ReserveTokens = reserve, TokenCounter = counter, CalibrateFromUsage = calibrate });

    private static FakeChatClient AnsweringFake() => new() { Responder = r => FakeReply.Say(Answer(r.Call)) };

    [Test]
    public async Task ChatAsyncSendsOnlyAWindowWithinTheBudgetThatKeepsSystemPinnedAndTheNewestUserMessage()
    {
        var fake = AnsweringFake();
        var session = NewSession(fake, budget: 260, reserve: 40);
        var system = session.AddSystem("You are a terse assistant. Answer in one sentence.").Message;
        var pinned = session.Add(new ChatMessage(ChatRole.User, "Remember: my name is Ada and I live in Lisbon."), pinned: true).Message;

        var users = new List<ChatMessage>();
        for (var turn = 1; turn <= 15; turn++)
        {
            var user = new ChatMessage(ChatRole.User, Question(turn));
            users.Add(user);
            var response = await session.ChatAsync(user);
            await Assert.That(response.Text).IsEqualTo(Answer(turn));
        }

        var requests = fake.Requests;
        await Assert.That(requests.Count).IsEqualTo(15);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            await Assert.That(request.CountWith(session.TokenCounter) + 40).IsLessThanOrEqualTo(260);
            await Assert.That(ReferenceEquals(request.Messages[0], system)).IsTrue();
            await Assert.That(request.Messages.Any(m => ReferenceEquals(m, pinned))).IsTrue();
            await Assert.That(ReferenceEquals(request.Last, users[i])).IsTrue();
        }

        // The budget actually bit: late requests show far less than the transcript holds.
        await Assert.That(requests[^1].Messages.Count).IsLessThan(session.Transcript.Count - 2);
        await Assert.That(session.Transcript.Count).IsEqualTo(2 + (2 * 15));
    }

    [Test]
    public async Task ChatAsyncAppendsTheUserMessageAndTheAssistantAnswer()
    {
        var fake = new FakeChatClient(FakeReply.Say("Paris."));
        var session = NewSession(fake, budget: 500);
        var user = new ChatMessage(ChatRole.User, "What is the capital of France?");

        var response = await session.ChatAsync(user);

        await Assert.That(response.Text).IsEqualTo("Paris.");
        await Assert.That(session.Transcript.Count).IsEqualTo(2);
        await Assert.That(ReferenceEquals(session.Transcript[0].Message, user)).IsTrue();
        await Assert.That(session.Transcript[1].Role).IsEqualTo(ChatRole.Assistant);
        await Assert.That(session.Transcript[1].Message.Text).IsEqualTo("Paris.");
        await Assert.That(session.Transcript.Turn).IsEqualTo(1);
        await Assert.That(session.Transcript.LastUserIndex).IsEqualTo(0);
        await Assert.That(session.Stats.Turns).IsEqualTo(1);
        await Assert.That(session.LastWindow).IsNotNull();
        await Assert.That(session.LastWindow!.Report.Kept.Count).IsEqualTo(1);
    }

    [Test]
    public async Task ChatAsyncRollsBackTheTranscriptExactlyWhenTheModelCallFails()
    {
        var fake = new FakeChatClient(
            FakeReply.Say(Answer(1)),
            FakeReply.Say(Answer(2)),
            FakeReply.Fail(new InvalidOperationException("provider is down")),
            FakeReply.Say(Answer(4)));
        var session = NewSession(fake, budget: 400);
        session.AddSystem("Be brief.");
        await session.ChatAsync(Question(1));
        await session.ChatAsync(Question(2));

        var count = session.Transcript.Count;
        var turn = session.Transcript.Turn;
        var lastUser = session.Transcript.LastUserIndex;
        var tokens = session.Transcript.TotalTokens;
        var turns = session.Stats.Turns;
        var lastId = session.Transcript[^1].Id;
        var lastWindow = session.LastWindow;

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => session.ChatAsync(Question(3)));
        await Assert.That(ex!.Message).IsEqualTo("provider is down");

        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(session.Transcript.Turn).IsEqualTo(turn);
        await Assert.That(session.Transcript.LastUserIndex).IsEqualTo(lastUser);
        await Assert.That(session.Transcript.TotalTokens).IsEqualTo(tokens);
        await Assert.That(session.Stats.Turns).IsEqualTo(turns);
        await Assert.That(session.Transcript[^1].Id).IsEqualTo(lastId);
        await Assert.That(ReferenceEquals(session.LastWindow, lastWindow)).IsTrue();

        // The session is usable again and the failed user message is not in the next request.
        await session.ChatAsync(Question(4));
        await Assert.That(session.Transcript.Count).IsEqualTo(count + 2);
        await Assert.That(session.Transcript.Turn).IsEqualTo(turn + 1);
        await Assert.That(fake.Requests[^1].Messages.Any(m => m.Text == Question(3))).IsFalse();
    }

    [Test]
    public async Task ChatAsyncRollsBackWhenTheCallerCancelsDuringTheModelCall()
    {
        var fake = new FakeChatClient(FakeReply.Say(Answer(1)), FakeReply.UntilCancelled());
        var session = NewSession(fake, budget: 400);
        await session.ChatAsync(Question(1));
        var count = session.Transcript.Count;
        var turn = session.Transcript.Turn;
        var lastUser = session.Transcript.LastUserIndex;
        var turns = session.Stats.Turns;
        await fake.WaitForRequestAsync();

        using var cts = new CancellationTokenSource();
        var chat = session.ChatAsync(Question(2), cancellationToken: cts.Token);
        await fake.WaitForRequestAsync();
        await cts.CancelAsync();

        // The answer never comes, so only the cancellation can end the turn (the guard only turns a hang into a failure).
        await Assert.ThrowsAsync<OperationCanceledException>(() => chat.WaitAsync(HangGuard));
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(session.Transcript.Turn).IsEqualTo(turn);
        await Assert.That(session.Transcript.LastUserIndex).IsEqualTo(lastUser);
        await Assert.That(session.Stats.Turns).IsEqualTo(turns);
    }

    [Test]
    public async Task ChatAsyncWithAnAlreadyCancelledTokenRemembersNothing()
    {
        var fake = new FakeChatClient();
        var session = NewSession(fake, budget: 400);
        session.AddSystem("Be brief.");

        await Assert.ThrowsAsync<OperationCanceledException>(() => session.ChatAsync(Question(1), cancellationToken: new CancellationToken(canceled: true)));

        await Assert.That(session.Transcript.Count).IsEqualTo(1);
        await Assert.That(session.Transcript.Turn).IsEqualTo(0);
        await Assert.That(session.Transcript.LastUserIndex).IsEqualTo(-1);
        await Assert.That(fake.CallCount).IsEqualTo(0);
    }

    [Test]
    public async Task StartingASecondTurnWhileOneIsInProgressThrowsInvalidOperationException()
    {
        var fake = new FakeChatClient(FakeReply.UntilCancelled("slow"));
        var session = NewSession(fake, budget: 400);
        using var cts = new CancellationTokenSource();
        var first = session.ChatAsync(Question(1), cancellationToken: cts.Token);
        await fake.WaitForRequestAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ChatAsync(Question(2)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in session.ChatStreamingAsync(Question(2)))
            {
            }
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.PrepareAsync());
        await Assert.That(() => session.Add(new ChatMessage(ChatRole.User, "sneaky"))).Throws<InvalidOperationException>();
        await Assert.That(fake.CallCount).IsEqualTo(1);

        // The rejected calls did not release the first turn's claim, nor change its transcript.
        await Assert.That(session.Transcript.Count).IsEqualTo(1);
        await cts.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => first.WaitAsync(HangGuard));

        fake.Enqueue(FakeReply.Say("fine"));
        var response = await session.ChatAsync(Question(3));
        await Assert.That(response.Text).IsEqualTo("fine");
        await Assert.That(session.Transcript.Count).IsEqualTo(2);
    }

    [Test]
    public async Task ChatAsyncOnASessionWithoutAClientThrowsInvalidOperationException()
    {
        var session = new MemorySession(new MemoryOptions { Budget = 100 });
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ChatAsync("hello"));
        await Assert.That(session.Transcript.Count).IsEqualTo(0);
    }

    [Test]
    public async Task PrepareAsyncThenRecordResponseRemembersTheAnswerAndLearnsFromUsage()
    {
        var session = new MemorySession(new MemoryOptions { Budget = 1000 });
        session.AddSystem("You answer questions about geography in detail.");
        session.Add(new ChatMessage(ChatRole.User, Words("Tell me about", 40)));

        var window = await session.PrepareAsync();

        await Assert.That(session.Transcript.Count).IsEqualTo(2);
        await Assert.That(window.ChatMessages.Count).IsEqualTo(2);
        await Assert.That(ReferenceEquals(session.LastWindow, window)).IsTrue();
        await Assert.That(window.EstimatedRequestTokens).IsGreaterThanOrEqualTo(TokenCalibration.MinSampleTokens);

        var answer = new ChatMessage(ChatRole.Assistant, "It is a country in Europe.");
        session.RecordResponse(new ChatResponse(answer) { Usage = new UsageDetails { InputTokenCount = window.EstimatedRequestTokens * 2L, CachedInputTokenCount = 0 } });

        await Assert.That(session.Transcript.Count).IsEqualTo(3);
        await Assert.That(ReferenceEquals(session.Transcript[2].Message, answer)).IsTrue();
        await Assert.That(session.Stats.Turns).IsEqualTo(1);
        await Assert.That(session.Stats.PolicyCalls).IsEqualTo(1);
        await Assert.That(session.Stats.CacheMisses).IsEqualTo(1);
        await Assert.That(session.Calibration.Observations).IsEqualTo(1);
        await Assert.That(session.Calibration.Ratio).IsEqualTo(2.0);
        await Assert.That(session.Stats.LastTurn!.ProviderInputTokens).IsEqualTo(window.EstimatedRequestTokens * 2L);
    }

    [Test]
    public async Task RecordResponseWithoutAPreparedWindowThrowsInvalidOperationException()
    {
        var session = new MemorySession(new MemoryOptions { Budget = 1000 });
        session.Add(new ChatMessage(ChatRole.User, "hi"));
        await Assert.That(() => session.RecordResponse(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hello")))).Throws<InvalidOperationException>();
        await Assert.That(session.Transcript.Count).IsEqualTo(1);
    }

    [Test]
    public async Task ToolsInChatOptionsAreCountedAgainstTheBudget()
    {
        var counter = TokenCounter.Default;
        var tool = AIFunctionFactory.Create(
            (string city, int days) => $"Forecast for {city} over {days} days: sunny.",
            "get_forecast",
            "Returns the weather forecast for a city over the next few days, including temperatures and precipitation.");
        var options = new ChatOptions { Tools = [tool] };
        var toolTokens = counter.CountTools(options.Tools);
        await Assert.That(toolTokens).IsGreaterThan(20);

        var plain = new MemorySession(new MemoryOptions { Budget = 300 });
        var withTools = new MemorySession(new MemoryOptions { Budget = 300 });
        foreach (var session in new[] { plain, withTools })
        {
            for (var turn = 1; turn <= 10; turn++)
            {
                session.Add(new ChatMessage(ChatRole.User, Question(turn)));
                session.Add(new ChatMessage(ChatRole.Assistant, Answer(turn)));
            }

            session.Add(new ChatMessage(ChatRole.User, Question(11)));
        }

        var a = await plain.PrepareAsync();
        var b = await withTools.PrepareAsync(options);

        await Assert.That(b.Available).IsEqualTo(a.Available - toolTokens);
        await Assert.That(b.Messages.Count).IsLessThan(a.Messages.Count);
        await Assert.That(b.Tokens).IsLessThanOrEqualTo(b.Available);
        await Assert.That(b.EstimatedRequestTokens).IsLessThanOrEqualTo(300);

        // The same holds for a real turn: what is sent, tools included, fits.
        var fake = new FakeChatClient(FakeReply.Say("ok"));
        var chatting = new MemorySession(fake, new MemoryOptions { Budget = 300 });
        for (var turn = 1; turn <= 10; turn++)
        {
            chatting.Add(new ChatMessage(ChatRole.User, Question(turn)));
            chatting.Add(new ChatMessage(ChatRole.Assistant, Answer(turn)));
        }

        await chatting.ChatAsync(Question(11), options);
        var request = fake.Requests[0];
        await Assert.That(request.Options?.Tools?.Count).IsEqualTo(1);
        await Assert.That(request.CountWith(counter)).IsLessThanOrEqualTo(300);
        await Assert.That(request.Messages.Count).IsEqualTo(b.Messages.Count);
    }

    [Test]
    public async Task AResponseWithSeveralMessagesIsAppendedInOrderAndNotUsedForCalibration()
    {
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call-1", "Snow, minus four degrees.")]);
        var final = new ChatMessage(ChatRole.Assistant, "It is snowing in Oslo.");
        var fake = new FakeChatClient(new FakeReply { Messages = [call, result, final], InputTokens = 5000 });
        var session = NewSession(fake, budget: 2000);
        var user = new ChatMessage(ChatRole.User, Words("What is the weather like in Oslo today? Please consider", 40));

        var response = await session.ChatAsync(user);

        await Assert.That(response.Messages.Count).IsEqualTo(3);
        await Assert.That(session.Transcript.Count).IsEqualTo(4);
        await Assert.That(ReferenceEquals(session.Transcript[0].Message, user)).IsTrue();
        await Assert.That(ReferenceEquals(session.Transcript[1].Message, call)).IsTrue();
        await Assert.That(ReferenceEquals(session.Transcript[2].Message, result)).IsTrue();
        await Assert.That(ReferenceEquals(session.Transcript[3].Message, final)).IsTrue();
        await Assert.That(session.Transcript[2].Group).IsEqualTo(session.Transcript[1].Group);

        // One response, several model calls: its usage says nothing about this window's size.
        await Assert.That(session.LastWindow!.EstimatedRequestTokens).IsGreaterThanOrEqualTo(TokenCalibration.MinSampleTokens);
        await Assert.That(session.Calibration.Observations).IsEqualTo(0);
        await Assert.That(session.Calibration.Ratio).IsEqualTo(1.0);
        await Assert.That(session.Stats.Turns).IsEqualTo(1);
        await Assert.That(session.Stats.ProviderInputTokens).IsEqualTo(5000);
    }

    [Test]
    public async Task AProviderCountingOneAndAHalfTimesOurEstimateIsLearnedAndEveryLaterRequestFitsTheBudget()
    {
        const int budget = 420;
        const int reserve = 60;
        var fake = AnsweringFake();
        fake.ProviderCounter = TokenCounter.Default;
        fake.ProviderFactor = 1.5;
        var session = NewSession(fake, budget, reserve);
        session.AddSystem("You are a helpful assistant that answers with care and precision.");

        for (var turn = 1; turn <= 20; turn++)
        {
            await session.ChatAsync(Question(turn));
            await Assert.That(session.Calibration.Ratio).IsGreaterThanOrEqualTo(1.5);
            await Assert.That(session.Calibration.Ratio).IsLessThan(1.6);
        }

        var requests = fake.Requests;
        await Assert.That(requests.Count).IsEqualTo(20);
        await Assert.That(session.Calibration.Observations).IsEqualTo(20);
        await Assert.That(session.Stats.CalibrationRatio).IsEqualTo(session.Calibration.Ratio);

        // The first request was sized before anything was learned; every later one fits as the provider counts it.
        foreach (var request in requests.Skip(1))
        {
            await Assert.That(request.ProviderInputTokens!.Value + reserve).IsLessThanOrEqualTo(budget);
        }

        // ...and the budget was tight: late windows leave most of the conversation out.
        await Assert.That(requests[^1].Messages.Count).IsLessThan(session.Transcript.Count / 2);
        await Assert.That(requests.Skip(1).Max(r => r.ProviderInputTokens!.Value) + reserve).IsGreaterThan(budget * 8 / 10);
    }

    [Test]
    public async Task WithoutCalibrationTheSameProviderOverrunsTheBudget()
    {
        // The control for the calibration test: the scenario is tight enough that uncalibrated windows overrun.
        const int budget = 420;
        const int reserve = 60;
        var fake = AnsweringFake();
        fake.ProviderCounter = TokenCounter.Default;
        fake.ProviderFactor = 1.5;
        var session = NewSession(fake, budget, reserve, calibrate: false);
        session.AddSystem("You are a helpful assistant that answers with care and precision.");

        for (var turn = 1; turn <= 20; turn++)
        {
            await session.ChatAsync(Question(turn));
        }

        await Assert.That(session.Calibration.Ratio).IsEqualTo(1.0);
        await Assert.That(fake.Requests.Any(r => r.ProviderInputTokens!.Value + reserve > budget)).IsTrue();
    }

    [Test]
    [Arguments(120L, 1, 0)]
    [Arguments(0L, 0, 1)]
    [Arguments(null, 0, 0)]
    public async Task ACallCountsAsACacheHitOrMissFromItsCachedInputTokens(long? cached, int hits, int misses)
    {
        var fake = new FakeChatClient(new FakeReply { Text = "ok", InputTokens = 400, CachedInputTokens = cached });
        var session = NewSession(fake, budget: 1000);

        await session.ChatAsync("hello");

        await Assert.That(session.Stats.CacheHits).IsEqualTo(hits);
        await Assert.That(session.Stats.CacheMisses).IsEqualTo(misses);
        await Assert.That(session.Stats.CachedInputTokens).IsEqualTo(cached ?? 0);
        await Assert.That(session.Stats.LastTurn!.CachedInputTokens).IsEqualTo(cached);
        await Assert.That(session.Stats.LastTurn!.ProviderInputTokens).IsEqualTo(400);
    }

    [Test]
    public async Task CacheHitsAndMissesAccumulateOverTurns()
    {
        var fake = new FakeChatClient(
            new FakeReply { CachedInputTokens = 100, InputTokens = 300 },
            new FakeReply { CachedInputTokens = 0, InputTokens = 310 },
            new FakeReply { NoUsage = true },
            new FakeReply { CachedInputTokens = 5, InputTokens = 320 },
            new FakeReply { InputTokens = 330 });
        var session = NewSession(fake, budget: 1000, calibrate: false);

        for (var turn = 1; turn <= 5; turn++)
        {
            await session.ChatAsync(Question(turn));
        }

        var stats = session.Stats;
        await Assert.That(stats.Turns).IsEqualTo(5);
        await Assert.That(stats.CacheHits).IsEqualTo(2);
        await Assert.That(stats.CacheMisses).IsEqualTo(1);
        await Assert.That(stats.CachedInputTokens).IsEqualTo(105);
        await Assert.That(stats.ProviderInputTokens).IsEqualTo(300 + 310 + 320 + 330);
    }
}

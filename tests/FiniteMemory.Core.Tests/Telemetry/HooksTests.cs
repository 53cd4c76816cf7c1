using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static FiniteMemory.Tests.Sessions.SessionTestText;

namespace FiniteMemory.Tests.Telemetry;

public class HooksTests
{
    private static (MemorySession Session, RecordingHooks Hooks) NewSession(FakeChatClient fake, int budget = 1000, params IMemoryHooks[] extra)
    {
        var hooks = new RecordingHooks();
        var options = new MemoryOptions { Budget = budget, CalibrateFromUsage = false };
        foreach (var hook in extra)
        {
            options.Hooks.Add(hook);
        }

        options.Hooks.Add(hooks);
        return (new MemorySession(fake, options), hooks);
    }

    [Test]
    public async Task ACompletedTurnRaisesStartPolicyExecutedCacheHitAndCompleteInOrder()
    {
        var fake = new FakeChatClient(new FakeReply { Text = "Hello!", InputTokens = 300, CachedInputTokens = 120 });
        var (session, hooks) = NewSession(fake);
        session.AddSystem("Be kind.");

        var response = await session.ChatAsync("Hi there");

        await Assert.That(string.Join(",", hooks.Names)).IsEqualTo("ChatStartEvent,PolicyExecutedEvent,CacheHit,ChatCompleteEvent");
        var start = hooks.Of<ChatStartEvent>().Single();
        await Assert.That(start.Turn).IsEqualTo(1);
        await Assert.That(start.Messages).IsEqualTo(2);

        var executed = hooks.Of<PolicyExecutedEvent>().Single();
        await Assert.That(ReferenceEquals(executed.Report, session.LastWindow!.Report)).IsTrue();
        await Assert.That(executed.Stats).IsEqualTo(session.LastWindow.Stats);
        await Assert.That(executed.Report.Kept.Count).IsEqualTo(2);
        await Assert.That(executed.Report.Policy).IsEqualTo("sliding");

        var hit = hooks.Of<RecordingHooks.CacheHit>().Single().Event;
        await Assert.That(hit.Turn).IsEqualTo(1);
        await Assert.That(hit.CachedInputTokens).IsEqualTo(120);
        await Assert.That(hit.InputTokens).IsEqualTo(300);

        var complete = hooks.Of<ChatCompleteEvent>().Single();
        await Assert.That(complete.Turn).IsEqualTo(1);
        await Assert.That(complete.Outcome).IsEqualTo(ChatOutcome.Completed);
        await Assert.That(ReferenceEquals(complete.Response, response)).IsTrue();
        await Assert.That(complete.Duration).IsGreaterThanOrEqualTo(TimeSpan.Zero);
    }

    [Test]
    public async Task ACacheHookSeesThePreviousTurnsWindowAsTheLastOne()
    {
        // The session makes a turn's window its last one only after the response's usage was observed, so a cache
        // hook (raised while observing) compares against the window the previous request was built from.
        var fake = new FakeChatClient(
            new FakeReply { Text = "One.", InputTokens = 300, CachedInputTokens = 0 },
            new FakeReply { Text = "Two.", InputTokens = 300, CachedInputTokens = 120 });
        var seen = new LastWindowAtCache();
        var (session, _) = NewSession(fake, extra: seen);
        seen.Session = session;

        await session.ChatAsync("First question");
        var first = session.LastWindow;
        await session.ChatAsync("Second question");

        await Assert.That(seen.Seen.Count).IsEqualTo(2);
        await Assert.That(seen.Seen[0]).IsNull();
        await Assert.That(ReferenceEquals(seen.Seen[1], first)).IsTrue();
        await Assert.That(ReferenceEquals(session.LastWindow, first)).IsFalse();
    }

    private sealed class LastWindowAtCache : IMemoryHooks
    {
        public MemorySession? Session { get; set; }

        public List<ContextWindow?> Seen { get; } = [];

        public void OnCacheHit(CacheEvent e) => Seen.Add(Session!.LastWindow);

        public void OnCacheMiss(CacheEvent e) => Seen.Add(Session!.LastWindow);
    }

    [Test]
    public async Task ZeroCachedTokensRaiseACacheMissAndUnreportedCachingRaisesNeither()
    {
        var fake = new FakeChatClient(
            new FakeReply { InputTokens = 300, CachedInputTokens = 0 },
            new FakeReply { InputTokens = 310 },
            new FakeReply { NoUsage = true });
        var (session, hooks) = NewSession(fake);

        await session.ChatAsync(Question(1));
        await session.ChatAsync(Question(2));
        await session.ChatAsync(Question(3));

        var miss = hooks.Of<RecordingHooks.CacheMiss>().Single().Event;
        await Assert.That(miss.Turn).IsEqualTo(1);
        await Assert.That(miss.CachedInputTokens).IsEqualTo(0);
        await Assert.That(miss.InputTokens).IsEqualTo(300);
        await Assert.That(hooks.Of<RecordingHooks.CacheHit>().Count).IsEqualTo(0);
        await Assert.That(hooks.Of<ChatCompleteEvent>().Select(e => e.Turn).ToArray()).IsEquivalentTo(new[] { 1, 2, 3 });
    }

    [Test]
    public async Task AModelFailureRaisesChatCompleteWithFailed()
    {
        var fake = new FakeChatClient(FakeReply.Fail(new InvalidOperationException("boom")));
        var (session, hooks) = NewSession(fake);

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ChatAsync("Hi"));

        await Assert.That(string.Join(",", hooks.Names)).IsEqualTo("ChatStartEvent,PolicyExecutedEvent,ChatCompleteEvent");
        var complete = hooks.Of<ChatCompleteEvent>().Single();
        await Assert.That(complete.Outcome).IsEqualTo(ChatOutcome.Failed);
        await Assert.That(complete.Response).IsNull();
        await Assert.That(complete.Turn).IsEqualTo(1);
    }

    [Test]
    public async Task AWindowThatCannotBeBuiltRaisesChatCompleteWithFailed()
    {
        var fake = new FakeChatClient();
        var (session, hooks) = NewSession(fake, budget: 20);
        session.AddSystem(Words("A system prompt far larger than the budget:", 60));

        await Assert.ThrowsAsync<MemoryBudgetException>(() => session.ChatAsync("Hi"));

        await Assert.That(string.Join(",", hooks.Names)).IsEqualTo("ChatStartEvent,ChatCompleteEvent");
        await Assert.That(hooks.Of<ChatCompleteEvent>().Single().Outcome).IsEqualTo(ChatOutcome.Failed);
    }

    [Test]
    public async Task ACallerCancellationRaisesChatCompleteWithCancelled()
    {
        var fake = new FakeChatClient(FakeReply.UntilCancelled());
        var (session, hooks) = NewSession(fake);
        using var cts = new CancellationTokenSource();

        var chat = session.ChatAsync("Hi", cancellationToken: cts.Token);
        await fake.WaitForRequestAsync();
        await cts.CancelAsync();

        // The answer never comes, so only the cancellation can end the turn (60 s is only a hang guard).
        await Assert.ThrowsAsync<OperationCanceledException>(() => chat.WaitAsync(TimeSpan.FromSeconds(60)));

        var complete = hooks.Of<ChatCompleteEvent>().Single();
        await Assert.That(complete.Outcome).IsEqualTo(ChatOutcome.Cancelled);
        await Assert.That(complete.Response).IsNull();
    }

    [Test]
    public async Task AProviderTimeoutIsAFailureNotACancellation()
    {
        // An OperationCanceledException the caller did not ask for (an HTTP timeout) is a failure.
        var fake = new FakeChatClient(FakeReply.Fail(new TaskCanceledException("The request timed out.")));
        var (session, hooks) = NewSession(fake);

        await Assert.ThrowsAsync<TaskCanceledException>(() => session.ChatAsync("Hi"));

        await Assert.That(hooks.Of<ChatCompleteEvent>().Single().Outcome).IsEqualTo(ChatOutcome.Failed);
        await Assert.That(session.Transcript.Count).IsEqualTo(0);
    }

    [Test]
    public async Task StreamingRaisesCompletedWithTheAssembledResponseAndCancelledWhenStoppedEarly()
    {
        var fake = new FakeChatClient(
            new FakeReply { Text = "one two three four", CachedInputTokens = 10, InputTokens = 100 },
            new FakeReply { Text = "five six seven eight" }) { ChunkCount = 4 };
        var (session, hooks) = NewSession(fake);

        await foreach (var _ in session.ChatStreamingAsync("first"))
        {
        }

        await foreach (var _ in session.ChatStreamingAsync("second"))
        {
            break;
        }

        await Assert.That(string.Join(",", hooks.Names)).IsEqualTo(
            "ChatStartEvent,PolicyExecutedEvent,CacheHit,ChatCompleteEvent,ChatStartEvent,PolicyExecutedEvent,ChatCompleteEvent");
        var completes = hooks.Of<ChatCompleteEvent>();
        await Assert.That(completes[0].Outcome).IsEqualTo(ChatOutcome.Completed);
        await Assert.That(completes[0].Response!.Text).IsEqualTo("one two three four");
        await Assert.That(completes[0].Response!.Usage!.CachedInputTokenCount).IsEqualTo(10);
        await Assert.That(completes[1].Outcome).IsEqualTo(ChatOutcome.Cancelled);
        await Assert.That(completes[1].Turn).IsEqualTo(2);
    }

    [Test]
    public async Task AStreamThatFailsMidWayRaisesChatCompleteWithFailed()
    {
        var fake = new FakeChatClient(new FakeReply { Text = "one two three four", ThrowAfterChunks = 2 }) { ChunkCount = 4 };
        var (session, hooks) = NewSession(fake);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in session.ChatStreamingAsync("Hi"))
            {
            }
        });

        await Assert.That(string.Join(",", hooks.Names)).IsEqualTo("ChatStartEvent,PolicyExecutedEvent,ChatCompleteEvent");
        await Assert.That(hooks.Of<ChatCompleteEvent>().Single().Outcome).IsEqualTo(ChatOutcome.Failed);
    }

    [Test]
    public async Task HooksThatThrowAreLoggedAndDoNotBreakTheChat()
    {
        var logger = new ListLogger();
        var recording = new RecordingHooks();
        var options = new MemoryOptions { Budget = 1000, Logger = logger };
        options.Hooks.Add(new ThrowingHooks());
        options.Hooks.Add(recording);
        var fake = new FakeChatClient(
            new FakeReply { Text = "first", InputTokens = 50, CachedInputTokens = 10 },
            new FakeReply { Text = "second", InputTokens = 60, CachedInputTokens = 0 });
        var session = new MemorySession(fake, options);

        var first = await session.ChatAsync("Hi");
        var second = await session.ChatAsync("Again");

        await Assert.That(first.Text).IsEqualTo("first");
        await Assert.That(second.Text).IsEqualTo("second");
        await Assert.That(session.Transcript.Count).IsEqualTo(4);
        await Assert.That(session.Stats.Turns).IsEqualTo(2);

        // The hook after the throwing one still saw every event.
        await Assert.That(string.Join(",", recording.Names)).IsEqualTo(
            "ChatStartEvent,PolicyExecutedEvent,CacheHit,ChatCompleteEvent,ChatStartEvent,PolicyExecutedEvent,CacheMiss,ChatCompleteEvent");

        // Each of the eight failures was logged as a warning with its exception.
        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        await Assert.That(warnings.Count).IsEqualTo(8);
        await Assert.That(warnings.All(w => w.Exception is InvalidOperationException)).IsTrue();
        await Assert.That(warnings.Select(w => w.Exception!.Message).Distinct().Count()).IsEqualTo(5);
    }

    [Test]
    public async Task ThrowingHooksDoNotBreakAStreamedTurnOrAFailedTurn()
    {
        var options = new MemoryOptions { Budget = 1000 };
        options.Hooks.Add(new ThrowingHooks());
        var fake = new FakeChatClient(
            FakeReply.Say("streamed answer"),
            FakeReply.Fail(new InvalidOperationException("model down")));
        var session = new MemorySession(fake, options);

        await foreach (var _ in session.ChatStreamingAsync("stream please"))
        {
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => session.ChatAsync("and now?"));

        await Assert.That(ex!.Message).IsEqualTo("model down");
        await Assert.That(session.Transcript.Count).IsEqualTo(2);
        await Assert.That(session.Transcript[1].Message.Text).IsEqualTo("streamed answer");
    }

    [Test]
    public async Task TheMiddlewareRaisesTheSameEventsAsASession()
    {
        var hooks = new RecordingHooks();
        var fake = new FakeChatClient(new FakeReply { Text = "Hello!", InputTokens = 300, CachedInputTokens = 0 });
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(o =>
        {
            o.Budget = 1000;
            o.Hooks.Add(hooks);
        }).Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Be kind."), new ChatMessage(ChatRole.User, "Hi")]);

        var complete = hooks.Of<ChatCompleteEvent>().Single();
        await Assert.That(complete.Outcome).IsEqualTo(ChatOutcome.Completed);
        await Assert.That(ReferenceEquals(complete.Response, response)).IsTrue();
        await Assert.That(hooks.Of<ChatStartEvent>().Single().Turn).IsEqualTo(1);
        await Assert.That(hooks.Of<ChatStartEvent>().Single().Messages).IsEqualTo(2);
        await Assert.That(hooks.Of<RecordingHooks.CacheMiss>().Single().Event.InputTokens).IsEqualTo(300);
        await Assert.That(hooks.Of<PolicyExecutedEvent>().Single().Stats.Turn).IsEqualTo(1);
        await Assert.That(hooks.Events.Count).IsEqualTo(4);
    }

    [Test]
    public async Task TheMiddlewareRaisesChatStartBeforeTheWindowIsBuiltLikeASession()
    {
        // IMemoryHooks.OnChatStart: "A chat turn begins (... no window built yet)". A session raises it first.
        var hooks = new RecordingHooks();
        var fake = new FakeChatClient(new FakeReply { Text = "Hello!", InputTokens = 300, CachedInputTokens = 0 });
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(o =>
        {
            o.Budget = 1000;
            o.Hooks.Add(hooks);
        }).Build();

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        await Assert.That(string.Join(",", hooks.Names)).IsEqualTo("ChatStartEvent,PolicyExecutedEvent,CacheMiss,ChatCompleteEvent");
    }

    [Test]
    public async Task TheMiddlewareRaisesChatCompleteWithFailedWhenTheWindowCannotBeBuilt()
    {
        // ChatOutcome.Failed: "The window could not be built or the model call failed".
        var hooks = new RecordingHooks();
        using var client = new ChatClientBuilder(new FakeChatClient()).UseFiniteMemory(o =>
        {
            o.Budget = 20;
            o.Hooks.Add(hooks);
        }).Build();
        var messages = new[] { new ChatMessage(ChatRole.System, Words("A system prompt far larger than the budget:", 60)), new ChatMessage(ChatRole.User, "Hi") };

        await Assert.ThrowsAsync<MemoryBudgetException>(() => client.GetResponseAsync(messages));

        var complete = hooks.Of<ChatCompleteEvent>();
        await Assert.That(complete.Count).IsEqualTo(1);
        await Assert.That(complete[0].Outcome).IsEqualTo(ChatOutcome.Failed);
    }

    [Test]
    public async Task TheMiddlewareRaisesFailedAndCancelledOutcomes()
    {
        var hooks = new RecordingHooks();
        var fake = new FakeChatClient(FakeReply.Fail(new InvalidOperationException("down")), FakeReply.UntilCancelled());
        using var client = new ChatClientBuilder(fake).UseFiniteMemory(o =>
        {
            o.Budget = 1000;
            o.Hooks.Add(hooks);
        }).Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));
        await fake.WaitForRequestAsync();
        using var cts = new CancellationTokenSource();
        var pending = client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: cts.Token);
        await fake.WaitForRequestAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(60)));

        var outcomes = hooks.Of<ChatCompleteEvent>().Select(e => e.Outcome).ToArray();
        await Assert.That(outcomes).IsEquivalentTo(new[] { ChatOutcome.Failed, ChatOutcome.Cancelled });
    }
}

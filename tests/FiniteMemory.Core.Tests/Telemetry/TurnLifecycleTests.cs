using FiniteMemory.Policies;
using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Tests.Sessions.SessionTestText;

namespace FiniteMemory.Tests.Telemetry;

/// <summary>
/// A session and the middleware, each streamed and not, run the same turn lifecycle: the same hook events with the
/// same numbers and outcomes, in the same order, whether the turn completes, fails or is cancelled.
/// </summary>
public class TurnLifecycleTests
{
    public enum TurnPath
    {
        Session,
        SessionStreaming,
        Middleware,
        MiddlewareStreaming,
    }

    private static readonly TurnPath[] Paths = Enum.GetValues<TurnPath>();

    /// <summary>Runs one turn (a system prompt and "Hi") on <paramref name="path"/>; returns the hook events as text and what the caller saw.</summary>
    private static async Task<(string Events, Exception? Thrown)> RunTurnAsync(
        TurnPath path,
        FakeReply reply,
        int budget = 1000,
        string systemPrompt = "Be kind.",
        IMemoryPolicy? policy = null,
        Func<FakeChatClient, CancellationTokenSource, Task>? whileRunning = null)
    {
        var hooks = new RecordingHooks();
        var options = new MemoryOptions { Budget = budget, CalibrateFromUsage = false };
        if (policy is not null)
        {
            options.Policy = policy;
        }

        options.Hooks.Add(hooks);
        var fake = new FakeChatClient(reply);
        using var cts = new CancellationTokenSource();
        var turn = Task.Run(() => ChatAsync(path, fake, options, systemPrompt, cts.Token));
        if (whileRunning is not null)
        {
            await whileRunning(fake, cts);
        }

        Exception? thrown = null;
        try
        {
            await turn;
        }
        catch (Exception ex)
        {
            thrown = ex;
        }

        return (string.Join(" | ", hooks.Events.Select(Describe)), thrown);
    }

    private static async Task ChatAsync(TurnPath path, FakeChatClient fake, MemoryOptions options, string systemPrompt, CancellationToken cancellationToken)
    {
        switch (path)
        {
            case TurnPath.Session or TurnPath.SessionStreaming:
                var session = new MemorySession(fake, options);
                session.AddSystem(systemPrompt);
                if (path == TurnPath.Session)
                {
                    await session.ChatAsync("Hi", cancellationToken: cancellationToken);
                }
                else
                {
                    await foreach (var _ in session.ChatStreamingAsync("Hi", cancellationToken: cancellationToken))
                    {
                    }
                }

                break;
            default:
                using (var client = new FiniteMemoryChatClient(fake, options))
                {
                    ChatMessage[] messages = [new(ChatRole.System, systemPrompt), new(ChatRole.User, "Hi")];
                    if (path == TurnPath.Middleware)
                    {
                        await client.GetResponseAsync(messages, cancellationToken: cancellationToken);
                    }
                    else
                    {
                        await foreach (var _ in client.GetStreamingResponseAsync(messages, cancellationToken: cancellationToken))
                        {
                        }
                    }
                }

                break;
        }
    }

    private static string Describe(object e) => e switch
    {
        ChatStartEvent s => $"start turn {s.Turn} of {s.Messages} messages",
        PolicyExecutedEvent p => $"built turn {p.Stats.Turn} keeping {p.Report.Kept.Count}",
        RecordingHooks.CacheHit h => $"cache hit turn {h.Event.Turn} {h.Event.CachedInputTokens}/{h.Event.InputTokens}",
        RecordingHooks.CacheMiss m => $"cache miss turn {m.Event.Turn} {m.Event.CachedInputTokens}/{m.Event.InputTokens}",
        ChatCompleteEvent c => $"complete turn {c.Turn} {c.Outcome} '{c.Response?.Text}'",
        _ => e.GetType().Name,
    };

    private static async Task AssertEveryPathAsync(Func<TurnPath, Task<(string Events, Exception? Thrown)>> run, string expected, Type? thrown)
    {
        foreach (var path in Paths)
        {
            var (events, exception) = await run(path);
            await Assert.That(events).IsEqualTo(expected).Because(path.ToString());
            await Assert.That(exception?.GetType()).IsEqualTo(thrown).Because(path.ToString());
        }
    }

    [Test]
    public async Task ACompletedTurnRaisesTheSameEventsOnEveryPath() =>
        await AssertEveryPathAsync(
            path => RunTurnAsync(path, new FakeReply { Text = "Hello there!", InputTokens = 300, CachedInputTokens = 0 }),
            "start turn 1 of 2 messages | built turn 1 keeping 2 | cache miss turn 1 0/300 | complete turn 1 Completed 'Hello there!'",
            thrown: null);

    [Test]
    public async Task AFailedModelCallRaisesTheSameEventsOnEveryPath() =>
        await AssertEveryPathAsync(
            path => RunTurnAsync(path, FakeReply.Fail(new InvalidOperationException("model down"))),
            "start turn 1 of 2 messages | built turn 1 keeping 2 | complete turn 1 Failed ''",
            typeof(InvalidOperationException));

    [Test]
    public async Task AWindowThatCannotBeBuiltRaisesTheSameEventsOnEveryPath() =>
        await AssertEveryPathAsync(
            path => RunTurnAsync(path, FakeReply.Say("never sent"), budget: 20, systemPrompt: Words("A system prompt far larger than the budget:", 60)),
            "start turn 1 of 2 messages | complete turn 1 Failed ''",
            typeof(MemoryBudgetException));

    [Test]
    public async Task ACallerCancellationRaisesTheSameEventsOnEveryPath() =>
        await AssertEveryPathAsync(
            path => RunTurnAsync(path, FakeReply.UntilCancelled("too late"), whileRunning: async (fake, cts) =>
            {
                await fake.WaitForRequestAsync();
                await cts.CancelAsync();
            }),
            "start turn 1 of 2 messages | built turn 1 keeping 2 | complete turn 1 Cancelled ''",
            typeof(TaskCanceledException));

    [Test]
    public async Task AStreamTheReaderStopsEarlyIsCancelledOnBothStreamingPaths()
    {
        var ends = new List<string>();
        foreach (var path in new[] { TurnPath.SessionStreaming, TurnPath.MiddlewareStreaming })
        {
            var hooks = new RecordingHooks();
            var options = new MemoryOptions { Budget = 1000, CalibrateFromUsage = false };
            options.Hooks.Add(hooks);
            var fake = new FakeChatClient(FakeReply.Say(Answer(1))) { ChunkCount = 4 };
            var updates = path == TurnPath.SessionStreaming
                ? new MemorySession(fake, options).ChatStreamingAsync("Hi")
                : new FiniteMemoryChatClient(fake, options).GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);
            await foreach (var _ in updates)
            {
                break;
            }

            ends.Add(string.Join(" | ", hooks.Events.Select(Describe)));
        }

        await Assert.That(ends[0]).IsEqualTo("start turn 1 of 1 messages | built turn 1 keeping 1 | complete turn 1 Cancelled ''");
        await Assert.That(ends[1]).IsEqualTo(ends[0]);
    }

    [Test]
    public async Task EveryPathBuildsItsWindowInsideTheTurnsActivity()
    {
        var policy = new UniquelyNamedPolicy();
        using var activities = new FiniteMemoryActivities(policy.Name);

        foreach (var path in Paths)
        {
            await RunTurnAsync(path, FakeReply.Say("Hello"), policy: policy);
        }

        var builds = activities.Builds;
        await Assert.That(builds.Count).IsEqualTo(Paths.Length);
        foreach (var build in builds)
        {
            await Assert.That(build.Parent?.OperationName).IsEqualTo(FiniteMemoryTelemetry.ChatActivityName);
        }
    }
}

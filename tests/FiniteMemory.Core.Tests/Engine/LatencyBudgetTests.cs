using System.Diagnostics;
using FiniteMemory.Policies;
using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Tests.Sessions.SessionTestText;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Engine;

/// <summary>
/// A policy that burns CPU, never looking at its cancellation token, until the test releases it (disposing it
/// releases it too), then keeps nothing. No clock ends the spin: a build that waited for it would hang.
/// </summary>
internal sealed class SpinningPolicy : IMemoryPolicy, IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _finished;

    public string Name => "spinning";

    public string Description => "spins ignoring cancellation";

    /// <summary>Completes when a run has begun to spin.</summary>
    public Task Started => _started.Task;

    /// <summary>Whether a run got to the end of its spin.</summary>
    public bool Finished => Volatile.Read(ref _finished) != 0;

    /// <summary>Ends every spin.</summary>
    public void Release() => _release.Set();

    public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        while (!_release.IsSet)
        {
            Thread.SpinWait(200);
        }

        Volatile.Write(ref _finished, 1);
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }
}

/// <summary>A policy that waits, honouring its token, until it is cancelled; records that it started and was cancelled.</summary>
internal sealed class WaitingPolicy : IMemoryPolicy
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "waiting";

    public string Description => "awaits a delay honouring cancellation";

    public Task Started => _started.Task;

    public Task Cancelled => _cancelled.Task;

    public async ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _cancelled.TrySetResult();
            throw;
        }
    }
}

/// <summary>A policy that throws.</summary>
internal sealed class ThrowingPolicy : IMemoryPolicy
{
    public string Name => "throwing";

    public string Description => "always throws";

    public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("policy exploded");
}

/// <summary>
/// The latency budget, proved by order: a policy that overruns it spins or waits until released or cancelled (no
/// clock ends it), and a build that must not overrun it runs on a clock only the test moves.
/// </summary>
public class LatencyBudgetTests
{
    private static readonly TimeSpan FiftyMilliseconds = TimeSpan.FromMilliseconds(50);

    /// <summary>Turns a hang into a failure; nothing here waits on it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static MemorySession NewSession(IMemoryPolicy policy, TimeSpan? latencyBudget, IChatClient? client = null, TimeProvider? time = null) =>
        new(client, new MemoryOptions { Budget = 220, Policy = policy, LatencyBudget = latencyBudget, TimeProvider = time ?? TimeProvider.System });

    private static void Fill(MemorySession session, bool withQuery = true)
    {
        session.AddSystem("You are a travel assistant.");
        for (var turn = 1; turn <= 8; turn++)
        {
            session.Add(new ChatMessage(ChatRole.User, Question(turn)));
            session.Add(new ChatMessage(ChatRole.Assistant, Answer(turn)));
        }

        if (withQuery)
        {
            session.Add(new ChatMessage(ChatRole.User, Question(9)));
        }
    }

    private static async Task<ContextWindow> SlidingWindowAsync()
    {
        var sliding = NewSession(SlidingPolicy.Instance, null);
        Fill(sliding);
        return await sliding.PrepareAsync();
    }

    private static string Ids(ContextWindow window) => string.Join(",", window.Report.Kept);

    // Whether the policy learned it was cancelled: its token is its only way out, so the guard only turns "never" into false.
    private static Task<bool> Told(WaitingPolicy policy) =>
        policy.Cancelled.WaitAsync(HangGuard).ContinueWith(static t => t.IsCompletedSuccessfully, TaskScheduler.Default);

    [Test]
    [NotInParallel("spinning-policy")]
    public async Task APolicyThatSpinsPastItsLatencyBudgetIsReplacedBySliding()
    {
        // The policy spins until released, so only the deadline can end the wait for it, however late it fires.
        using var policy = new SpinningPolicy();
        var session = NewSession(policy, FiftyMilliseconds);
        Fill(session);
        var count = session.Transcript.Count;

        var window = await session.PrepareAsync().WaitAsync(HangGuard);

        // We stopped waiting: the policy is still spinning when the window is ready.
        await Assert.That(policy.Started.IsCompleted).IsTrue();
        await Assert.That(policy.Finished).IsFalse();
        await Assert.That(window.Report.Fallback).IsNotNull();
        await Assert.That(window.Report.Fallback!).StartsWith("timeout:");
        await Assert.That(window.Report.Policy).IsEqualTo("spinning");
        await Assert.That(window.Stats.Fallback).IsEqualTo(window.Report.Fallback);
        await Assert.That(Ids(window)).IsEqualTo(Ids(await SlidingWindowAsync()));
        await Assert.That(window.Report.Kept.Count).IsLessThan(count);
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(window.Available);
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(1);
        await Assert.That(session.Stats.PolicyCalls).IsEqualTo(1);
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
    }

    [Test]
    [NotInParallel("spinning-policy")]
    public async Task WhileAnAbandonedPolicyIsStillRunningTheConversationIsBuiltWithSlidingAndThenThePolicyRunsAgain()
    {
        // An abandoned policy may still be using the conversation's caches: the next build must not run a policy
        // over them at the same time. The budget runs on a clock whose timers fire only when the test fires them:
        // the first build's two (its deadline and its wait) and the second build's wait for the abandoned run, never
        // the third build's, which must finish the policy however slowly a busy machine runs it.
        using var policy = new SpinningPolicy();
        var time = new ManualTimeProvider();
        var session = NewSession(policy, FiftyMilliseconds, time: time);
        Fill(session);

        var prepare = session.PrepareAsync();
        await policy.Started.WaitAsync(HangGuard);
        var timers = await time.WaitForTimersAsync(2);
        time.Advance(FiftyMilliseconds);
        timers[0].Fire();
        timers[1].Fire();
        var first = await prepare.WaitAsync(HangGuard);

        prepare = session.PrepareAsync();
        timers = await time.WaitForTimersAsync(3);
        time.Advance(FiftyMilliseconds);
        timers[2].Fire();
        var second = await prepare.WaitAsync(HangGuard);

        await Assert.That(first.Report.Fallback!).StartsWith("timeout:");
        await Assert.That(second.Report.Fallback!).StartsWith("busy:");
        await Assert.That(Ids(second)).IsEqualTo(Ids(await SlidingWindowAsync()));
        await Assert.That(policy.Finished).IsFalse();

        // Once the abandoned run has ended (not merely its policy's loop: the engine's task around it), the next
        // build has nothing to wait for; the 60 s is only a hang guard.
        policy.Release();
        var abandoned = session.Transcript.RunningPolicy ?? Task.CompletedTask;
        await Task.WhenAny(abandoned).WaitAsync(HangGuard);
        var third = await session.PrepareAsync().WaitAsync(HangGuard);
        await Assert.That(third.Report.Fallback).IsNull();
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(2);
    }

    [Test]
    public async Task APolicyThatAwaitsPastItsLatencyBudgetIsReplacedBySlidingAndSeesItsTokenCancelled()
    {
        // The policy waits until cancelled, so only the deadline can end the build's wait, however late it fires.
        var policy = new WaitingPolicy();
        var session = NewSession(policy, FiftyMilliseconds);
        Fill(session);
        var count = session.Transcript.Count;

        var window = await session.PrepareAsync().WaitAsync(HangGuard);

        await Assert.That(window.Report.Fallback!).StartsWith("timeout:");
        await Assert.That(window.Report.Fallback!).Contains("50 ms");
        await Assert.That(Ids(window)).IsEqualTo(Ids(await SlidingWindowAsync()));
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(1);
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(await Told(policy)).IsTrue();
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task APolicyThatThrowsIsReplacedBySliding(bool withLatencyBudget)
    {
        // The budget's clock never moves: the policy's own failure, not a deadline on a busy machine, ends it.
        var session = NewSession(new ThrowingPolicy(), withLatencyBudget ? FiftyMilliseconds : null, time: new ManualTimeProvider());
        Fill(session);
        var count = session.Transcript.Count;

        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Fallback!).StartsWith("exception:");
        await Assert.That(window.Report.Fallback!).Contains("InvalidOperationException");
        await Assert.That(window.Report.Fallback!).Contains("policy exploded");
        await Assert.That(Ids(window)).IsEqualTo(Ids(await SlidingWindowAsync()));
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(1);
        await Assert.That(session.Stats.LastTurn!.Fallback).IsEqualTo(window.Report.Fallback);
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
    }

    [Test]
    [NotInParallel("spinning-policy")]
    public async Task AChatTurnWhosePolicyFallsBackSendsTheSlidingWindowAndAppendsTheTurnOnce()
    {
        // The policy spins until released, so only the deadline can end the wait for it, however late it fires.
        var fake = new FakeChatClient(FakeReply.Say("Kyoto in spring."));
        using var policy = new SpinningPolicy();
        var session = NewSession(policy, FiftyMilliseconds, fake);
        Fill(session, withQuery: false);
        var count = session.Transcript.Count;
        var expected = await SlidingWindowAsync();

        await session.ChatAsync(Question(9)).WaitAsync(HangGuard);

        await Assert.That(session.Transcript.Count).IsEqualTo(count + 2);
        await Assert.That(session.Transcript[count].Message.Text).IsEqualTo(Question(9));
        await Assert.That(session.Transcript[count + 1].Message.Text).IsEqualTo("Kyoto in spring.");
        var window = session.LastWindow!;
        await Assert.That(window.Report.Fallback!).StartsWith("timeout:");
        await Assert.That(Ids(window)).IsEqualTo(Ids(expected));
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(1);
        await Assert.That(session.Stats.Turns).IsEqualTo(1);

        var sent = fake.Requests[0].Messages;
        await Assert.That(sent.Count).IsEqualTo(window.ChatMessages.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            await Assert.That(ReferenceEquals(sent[i], window.ChatMessages[i])).IsTrue();
        }

        await Assert.That(sent[^1].Text).IsEqualTo(Question(9));
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task AnAlreadyCancelledTokenThrowsOperationCanceledExceptionInsteadOfFallingBack(bool withLatencyBudget)
    {
        var session = NewSession(new ThrowingPolicy(), withLatencyBudget ? FiftyMilliseconds : null);
        Fill(session);

        await Assert.ThrowsAsync<OperationCanceledException>(() => session.PrepareAsync(cancellationToken: new CancellationToken(canceled: true)));

        await Assert.That(session.Stats.Fallbacks).IsEqualTo(0);
        await Assert.That(session.Stats.PolicyCalls).IsEqualTo(0);
        await Assert.That(session.LastWindow).IsNull();
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task CancellingDuringASlowPolicyThrowsOperationCanceledExceptionInsteadOfFallingBack(bool withLatencyBudget)
    {
        // The policy waits until cancelled and the budget's clock never moves: only the caller's cancellation can end it.
        var policy = new WaitingPolicy();
        var session = NewSession(policy, withLatencyBudget ? FiftyMilliseconds : null, time: new ManualTimeProvider());
        Fill(session);
        using var cts = new CancellationTokenSource();

        var prepare = session.PrepareAsync(cancellationToken: cts.Token);
        await policy.Started.WaitAsync(HangGuard);
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => prepare.WaitAsync(HangGuard));
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(0);
        await Assert.That(session.Stats.PolicyCalls).IsEqualTo(0);
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task ACallerCancellationReachesTheRunningPolicy(bool withLatencyBudget)
    {
        // The policy is abandoned when the caller cancels; it must be told so, or it runs on unobserved. It waits
        // until cancelled and the budget's clock never moves, so nothing but that cancellation can reach it.
        var policy = new WaitingPolicy();
        var session = NewSession(policy, withLatencyBudget ? FiftyMilliseconds : null, time: new ManualTimeProvider());
        Fill(session);
        using var cts = new CancellationTokenSource();

        var prepare = session.PrepareAsync(cancellationToken: cts.Token);
        await policy.Started.WaitAsync(HangGuard);
        await cts.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => prepare.WaitAsync(HangGuard));

        await Assert.That(await Told(policy)).IsTrue();
    }

    [Test]
    public async Task APolicyAbandonedAtTheDeadlineSeesItsTokenCancelledWhicheverTimerFiresFirst()
    {
        // The engine arms two timers with the same due time: the policy's deadline token and the wait for the
        // policy. Timers due together fire in no guaranteed order; here the wait's fires first.
        var time = new ManualTimeProvider();
        var policy = new WaitingPolicy();
        var session = NewSession(policy, FiftyMilliseconds, time: time);
        Fill(session);

        var prepare = session.PrepareAsync();
        await policy.Started.WaitAsync(HangGuard);
        var timers = await time.WaitForTimersAsync(2);
        time.Advance(FiftyMilliseconds);
        timers[1].Fire();
        timers[0].Fire();

        var window = await prepare.WaitAsync(HangGuard);
        await Assert.That(window.Report.Fallback!).StartsWith("timeout:");
        await Assert.That(Ids(window)).IsEqualTo(Ids(await SlidingWindowAsync()));
        await Assert.That(await Told(policy)).IsTrue();
    }

    [Test]
    public async Task CancellingAChatTurnDuringASlowPolicyRollsItBack()
    {
        // The policy waits until cancelled and the budget's clock never moves: only the caller's cancellation can end it.
        var policy = new WaitingPolicy();
        var fake = new FakeChatClient();
        var session = NewSession(policy, FiftyMilliseconds, fake, new ManualTimeProvider());
        session.AddSystem("Be brief.");
        using var cts = new CancellationTokenSource();

        var chat = session.ChatAsync(Question(1), cancellationToken: cts.Token);
        await policy.Started.WaitAsync(HangGuard);
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => chat.WaitAsync(HangGuard));
        await Assert.That(session.Transcript.Count).IsEqualTo(1);
        await Assert.That(session.Transcript.Turn).IsEqualTo(0);
        await Assert.That(fake.CallCount).IsEqualTo(0);
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(0);
    }

    [Test]
    public async Task PinnedMessagesLargerThanTheBudgetThrowMemoryBudgetExceptionNamingTheNumbers()
    {
        var fake = new FakeChatClient();
        var session = new MemorySession(fake, new MemoryOptions
        {
            Budget = 120,
            ReserveTokens = 20,
            TokenCounter = new FixedCostTokenCounter(40),
            Policy = new ThrowingPolicy(),
        });
        session.AddSystem("System prompt.");
        session.Add(new ChatMessage(ChatRole.User, "Pinned fact one."), pinned: true);
        session.Add(new ChatMessage(ChatRole.User, "Pinned fact two."), pinned: true);
        var count = session.Transcript.Count;

        var ex = await Assert.ThrowsAsync<MemoryBudgetException>(() => session.ChatAsync("hello"));

        // 3 mandatory messages of 40 tokens = 120 > 100 available (120 less 20 reserved).
        await Assert.That(ex!.Required).IsEqualTo(120);
        await Assert.That(ex.Budget).IsEqualTo(100);
        await Assert.That(ex.Message).Contains("120");
        await Assert.That(ex.Message).Contains("100");
        await Assert.That(ex.Message).Contains("20 reserved");
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(fake.CallCount).IsEqualTo(0);
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(0);
    }

    [Test]
    public async Task ToolSchemasThatUseUpTheBudgetThrowMemoryBudgetExceptionNamingTheNumbers()
    {
        var session = new MemorySession(new MemoryOptions { Budget = 150, ReserveTokens = 10, TokenCounter = new FixedCostTokenCounter(10, requestOverhead: 3, perTool: 100) });
        session.Add(new ChatMessage(ChatRole.User, "hi"));
        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one"), AIFunctionFactory.Create(() => 2, "two")] };

        var ex = await Assert.ThrowsAsync<MemoryBudgetException>(() => session.PrepareAsync(tools));

        await Assert.That(ex!.Message).Contains("150");
        await Assert.That(ex.Message).Contains("10 reserved");
        await Assert.That(ex.Message).Contains("3 for request framing");
        await Assert.That(ex.Message).Contains("200 for tool schemas");
        await Assert.That(ex.Required).IsEqualTo(213);
    }

    [Test]
    public async Task TheLatencyBudgetCannotBeZeroOrNegative()
    {
        await Assert.That(() => new MemorySession(new MemoryOptions { Budget = 100, LatencyBudget = TimeSpan.Zero }))
            .Throws<ArgumentException>().WithParameterName("LatencyBudget");
        await Assert.That(() => new MemorySession(new MemoryOptions { Budget = 100, LatencyBudget = TimeSpan.FromMilliseconds(-1) }))
            .Throws<ArgumentException>().WithParameterName("LatencyBudget");
    }
}

using System.Diagnostics;
using FiniteMemory.Policies;
using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Tests.Sessions.SessionTestText;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Engine;

/// <summary>
/// A policy that burns CPU, never looking at its cancellation token, until the test releases it (or 30 s
/// pass), then keeps nothing.
/// </summary>
internal sealed class SpinningPolicy : IMemoryPolicy, IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly ManualResetEventSlim _release = new();
    private int _finished;

    public string Name => "spinning";

    public string Description => "spins ignoring cancellation";

    /// <summary>Whether a run got to the end of its spin.</summary>
    public bool Finished => Volatile.Read(ref _finished) != 0;

    /// <summary>Ends every spin.</summary>
    public void Release() => _release.Set();

    public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!_release.IsSet && watch.Elapsed < Limit)
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

/// <summary>A policy that awaits a long delay honouring its token; records that it started and was cancelled.</summary>
internal sealed class WaitingPolicy(TimeSpan delay) : IMemoryPolicy
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
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _cancelled.TrySetResult();
            throw;
        }

        await SlidingPolicy.Instance.BuildAsync(frame, CancellationToken.None);
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

public class LatencyBudgetTests
{
    private static readonly TimeSpan FiftyMilliseconds = TimeSpan.FromMilliseconds(50);

    private static MemorySession NewSession(IMemoryPolicy policy, TimeSpan? latencyBudget, IChatClient? client = null) =>
        new(client, new MemoryOptions { Budget = 220, Policy = policy, LatencyBudget = latencyBudget });

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

    [Test]
    [NotInParallel("spinning-policy")]
    public async Task APolicyThatSpinsPastItsLatencyBudgetIsReplacedBySliding()
    {
        using var policy = new SpinningPolicy();
        var session = NewSession(policy, FiftyMilliseconds);
        Fill(session);
        var count = session.Transcript.Count;

        var window = await session.PrepareAsync();

        // We stopped waiting: the policy is still spinning when the window is ready.
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
        // over them at the same time.
        using var policy = new SpinningPolicy();
        var session = NewSession(policy, FiftyMilliseconds);
        Fill(session);

        var first = await session.PrepareAsync();
        var second = await session.PrepareAsync();

        await Assert.That(first.Report.Fallback!).StartsWith("timeout:");
        await Assert.That(second.Report.Fallback!).StartsWith("busy:");
        await Assert.That(Ids(second)).IsEqualTo(Ids(await SlidingWindowAsync()));

        // Once the abandoned run has ended (not merely its policy's loop: the engine's task around it), the next
        // build has nothing to wait for; the 60 s is only a hang guard.
        policy.Release();
        var abandoned = session.Transcript.RunningPolicy ?? Task.CompletedTask;
        await Task.WhenAny(abandoned).WaitAsync(TimeSpan.FromSeconds(60));
        var third = await session.PrepareAsync();
        await Assert.That(third.Report.Fallback).IsNull();
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(2);
    }

    [Test]
    public async Task APolicyThatAwaitsPastItsLatencyBudgetIsReplacedBySlidingAndSeesItsTokenCancelled()
    {
        var policy = new WaitingPolicy(TimeSpan.FromSeconds(30));
        var session = NewSession(policy, FiftyMilliseconds);
        Fill(session);
        var count = session.Transcript.Count;

        var window = await session.PrepareAsync();

        await Assert.That(window.Report.Fallback!).StartsWith("timeout:");
        await Assert.That(window.Report.Fallback!).Contains("50 ms");
        await Assert.That(Ids(window)).IsEqualTo(Ids(await SlidingWindowAsync()));
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(1);
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task APolicyThatThrowsIsReplacedBySliding(bool withLatencyBudget)
    {
        var session = NewSession(new ThrowingPolicy(), withLatencyBudget ? TimeSpan.FromSeconds(10) : null);
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
        var fake = new FakeChatClient(FakeReply.Say("Kyoto in spring."));
        using var policy = new SpinningPolicy();
        var session = NewSession(policy, FiftyMilliseconds, fake);
        Fill(session, withQuery: false);
        var count = session.Transcript.Count;
        var expected = await SlidingWindowAsync();

        await session.ChatAsync(Question(9));

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
        var policy = new WaitingPolicy(TimeSpan.FromSeconds(30));
        var session = NewSession(policy, withLatencyBudget ? TimeSpan.FromSeconds(20) : null);
        Fill(session);
        using var cts = new CancellationTokenSource();

        var prepare = session.PrepareAsync(cancellationToken: cts.Token);
        await policy.Started.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => prepare);
        await Assert.That(session.Stats.Fallbacks).IsEqualTo(0);
        await Assert.That(session.Stats.PolicyCalls).IsEqualTo(0);
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task ACallerCancellationReachesTheRunningPolicy(bool withLatencyBudget)
    {
        // The policy is abandoned when the caller cancels; it must be told so, or it runs on unobserved.
        var policy = new WaitingPolicy(TimeSpan.FromSeconds(60));
        var session = NewSession(policy, withLatencyBudget ? TimeSpan.FromSeconds(20) : null);
        Fill(session);
        using var cts = new CancellationTokenSource();

        var prepare = session.PrepareAsync(cancellationToken: cts.Token);
        await policy.Started.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => prepare);

        var told = await Task.WhenAny(policy.Cancelled, Task.Delay(TimeSpan.FromSeconds(5))) == policy.Cancelled;
        await Assert.That(told).IsTrue();
    }

    [Test]
    public async Task APolicyAbandonedAtTheDeadlineSeesItsTokenCancelledWhicheverTimerFiresFirst()
    {
        // The engine arms two timers with the same due time: the policy's deadline token and the wait for the
        // policy. Timers due together fire in no guaranteed order; here the wait's fires first.
        var time = new ManualTimeProvider();
        var policy = new WaitingPolicy(TimeSpan.FromSeconds(60));
        var session = new MemorySession(new MemoryOptions { Budget = 220, Policy = policy, LatencyBudget = FiftyMilliseconds, TimeProvider = time });
        Fill(session);

        var prepare = session.PrepareAsync();
        await policy.Started.WaitAsync(TimeSpan.FromSeconds(30));
        var timers = await time.WaitForTimersAsync(2);
        time.Advance(FiftyMilliseconds);
        timers[1].Fire();
        timers[0].Fire();

        var window = await prepare.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.That(window.Report.Fallback!).StartsWith("timeout:");
        await Assert.That(Ids(window)).IsEqualTo(Ids(await SlidingWindowAsync()));

        var told = await Task.WhenAny(policy.Cancelled, Task.Delay(TimeSpan.FromSeconds(5))) == policy.Cancelled;
        await Assert.That(told).IsTrue();
    }

    [Test]
    public async Task CancellingAChatTurnDuringASlowPolicyRollsItBack()
    {
        var policy = new WaitingPolicy(TimeSpan.FromSeconds(30));
        var fake = new FakeChatClient();
        var session = NewSession(policy, TimeSpan.FromSeconds(20), fake);
        session.AddSystem("Be brief.");
        using var cts = new CancellationTokenSource();

        var chat = session.ChatAsync(Question(1), cancellationToken: cts.Token);
        await policy.Started.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => chat);
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

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using FiniteMemory.Policies;
using FiniteMemory.Stages;

namespace FiniteMemory;

/// <summary>
/// Builds windows for the session, the reducer and the middleware alike: mandatory messages, the policy
/// under its latency budget with the sliding fallback, chronological order, report, statistics, telemetry
/// and hooks. One engine per conversation-owner; it is thread-safe for concurrent builds over different transcripts.
/// </summary>
internal sealed class MemoryEngine
{
    private readonly StatsRecorder _stats = new();

    public MemoryEngine(MemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options.Clone();
        Counter = Options.TokenCounter ?? TokenCounter.Default;
        Services = new MemoryServices(Options.Embedder, Options.Summarizer, Options.Importance);
    }

    public MemoryServices Services { get; }

    public MemoryOptions Options { get; }

    public ITokenCounter Counter { get; }

    public TokenCalibration Calibration { get; } = new();

    public MemoryStats Stats => _stats.Snapshot() with { CalibrationRatio = Calibration.Ratio };

    internal StatsRecorder Recorder => _stats;

    /// <summary>Builds the window for <paramref name="transcript"/> as it stands.</summary>
    /// <remarks>
    /// The usual turn runs synchronously and allocates no state machine: no abandoned build to wait for, and a
    /// policy (sliding, or any whose stages do not await) that completes at once. Anything else continues
    /// asynchronously. Failures are reported through the returned task either way, as from an async method.
    /// </remarks>
    public ValueTask<ContextWindow> BuildAsync(Transcript transcript, int toolTokens, WindowHistory previous, CancellationToken cancellationToken)
    {
        Activity? activity = null;
        var handedOff = false;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Options.TimeProvider.GetTimestamp();
            activity = TelemetryRecorder.StartBuild();
            var build = new Build(transcript, toolTokens, Calibration.Ratio, previous, started, activity);
            var frame = StartFrame(build);
            var policy = Options.Policy;
            if (transcript.RunningPolicy is { IsCompleted: false } || (Options.LatencyBudget is not null && policy is not SlidingPolicy))
            {
                handedOff = true;
                return BuildSlowAsync(build, frame, cancellationToken);
            }

            ValueTask pending;
            try
            {
                pending = policy.BuildAsync(frame, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                return new(Finish(build, frame, Describe(ex)));
            }

            if (!pending.IsCompletedSuccessfully)
            {
                handedOff = true;
                return FinishAsync(build, frame, pending, cancellationToken);
            }

            pending.GetAwaiter().GetResult();
            return new(Finish(build, frame, fallback: null));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<ContextWindow>(ex);
        }
        finally
        {
            if (!handedOff)
            {
                activity?.Dispose();
            }
        }
    }

    // The budget left for messages, a frame over the transcript, and the mandatory messages kept in it.
    private MemoryFrame StartFrame(in Build build)
    {
        // In long: a huge tool list (or reserve) must be refused, not wrapped into a negative reservation.
        var framing = (long)Counter.RequestOverhead + build.ToolTokens;
        var reservedTokens = Options.ReserveTokens + TokenCalibration.Scale(framing, build.Ratio);
        if (reservedTokens >= Options.Budget)
        {
            throw new MemoryBudgetException(
                string.Format(
                    CultureInfo.InvariantCulture,
                    "The budget of {0} tokens is used up before any message: {1} reserved for the reply, {2} for request framing and {3} for tool schemas. Raise the budget, lower the reserve or offer fewer tools.",
                    Options.Budget,
                    Options.ReserveTokens,
                    Counter.RequestOverhead,
                    build.ToolTokens),
                Options.Budget - Options.ReserveTokens,
                (int)Math.Min(reservedTokens, int.MaxValue));
        }

        var reserved = (int)reservedTokens;

        var frame = new MemoryFrame(build.Transcript, Options.Policy.Name, Options.Budget, reserved, build.Ratio, Services);
        PinStage.Run(frame);
        return frame;
    }

    // A build that waits for an abandoned one, runs its policy under a latency budget, or has a policy that awaits.
    private async ValueTask<ContextWindow> BuildSlowAsync(Build build, MemoryFrame frame, CancellationToken cancellationToken)
    {
        using (build.Activity)
        {
            var fallback = await WaitForAbandonedPolicyAsync(build.Transcript, cancellationToken).ConfigureAwait(false)
                ?? await RunPolicyAsync(Options.Policy, frame, cancellationToken).ConfigureAwait(false);
            return Finish(build, frame, fallback);
        }
    }

    private async ValueTask<ContextWindow> FinishAsync(Build build, MemoryFrame frame, ValueTask pending, CancellationToken cancellationToken)
    {
        using (build.Activity)
        {
            string? fallback = null;
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                fallback = Describe(ex);
            }

            return Finish(build, frame, fallback);
        }
    }

    // After the policy (or its failure): the sliding fallback if needed, ordering, report, statistics, telemetry, hooks.
    private ContextWindow Finish(in Build build, MemoryFrame frame, string? fallback)
    {
        var transcript = build.Transcript;
        var policy = Options.Policy;
        var ratio = build.Ratio;
        var framing = Counter.RequestOverhead + build.ToolTokens;
        var time = Options.TimeProvider;
        var started = build.Started;
        var previous = build.Previous;
        var activity = build.Activity;
        if (fallback is not null)
        {
            Options.Logger?.PolicyFellBack(policy.Name, fallback);
            frame = StartFrame(build);
            SlidingPolicy.Build(frame);
        }

        var outcome = fallback is null ? PolicyOutcome.Count(frame) : default;

        var messages = OrderStage.Order(frame, out var rawTokens);
        frame.ReturnMarks();
        var kept = new int[messages.Length - (frame.Summary is null ? 0 : 1)];
        int tokens = 0, truncated = 0, k = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            ref readonly var m = ref messages[i];
            if (m.Index >= 0)
            {
                kept[k++] = m.Index;
            }

            tokens += m.Tokens;
            truncated += m.Truncated ? 1 : 0;
        }

        var latency = time.GetElapsedTime(started);
        var report = new ReductionReport(transcript.Ids, messages, kept, policy.Name, fallback, latency)
        {
            Summarized = frame.Summary?.Covers ?? [],
            Notes = frame.Notes,
        };
        var tokensSeen = TokenCalibration.Scale(transcript.TotalTokens, ratio);
        var stats = new TurnStats
        {
            Turn = transcript.Turn,
            Policy = policy.Name,
            Budget = Options.Budget,
            MessagesSeen = frame.Count,
            TokensSeen = tokensSeen,
            MessagesRetained = messages.Length,
            TokensRetained = tokens,
            CompressionRatio = tokens == 0 ? 0 : (double)tokensSeen / tokens,
            Evicted = frame.Count - kept.Length,
            NewlyEvicted = previous.CountNewlyEvicted(kept, frame.Count),
            Truncated = truncated,
            SummariesCreated = frame.SummariesCreated,
            ClustersMerged = outcome.ClustersMerged,
            ImportanceEvictions = outcome.ImportanceEvictions,
            PolicyLatency = latency,
            Fallback = fallback,
        };

        var window = new ContextWindow(messages, tokens, Options.Budget, frame.Budget, rawTokens + framing, report, stats);
        _stats.RecordBuild(stats);
        TelemetryRecorder.RecordBuild(stats, activity);
        if (Options.Hooks.Count > 0)
        {
            Raise(static (h, e) => h.OnPolicyExecuted(e), new PolicyExecutedEvent(report, stats), nameof(IMemoryHooks.OnPolicyExecuted));
        }

        return window;
    }

    /// <summary>Learns from a completed model call: calibration, statistics, cache events.</summary>
    public void ObserveResponse(ContextWindow window, ChatResponse response, int turn)
    {
        var usage = response.Usage;

        // With function invocation inside the pipeline, one response spans several model calls whose usage is
        // summed; it says nothing about this window's size, so it is not learned from.
        var severalCalls = response.Messages.Any(static m => m.Contents.Any(static c => c is FunctionResultContent));
        if (Options.CalibrateFromUsage && usage?.InputTokenCount is long input && !severalCalls)
        {
            if (input > 0 && window.EstimatedRequestTokens >= TokenCalibration.MinSampleTokens && !TokenCalibration.IsPlausible(window.EstimatedRequestTokens, input))
            {
                // A proxy that reports a constant, or usage summed over calls we did not see: learning from it would
                // skew every later window, so it is left out and said so.
                Options.Logger?.ImplausibleUsage(input, window.EstimatedRequestTokens);
            }
            else
            {
                Calibration.Observe(window.EstimatedRequestTokens, input);
            }
        }

        _stats.RecordResponse(usage?.InputTokenCount, usage?.CachedInputTokenCount);
        TelemetryRecorder.RecordResponse(Options.Policy.Name, usage?.CachedInputTokenCount);
        if (usage?.CachedInputTokenCount is long cached)
        {
            var e = new CacheEvent(turn, cached, usage.InputTokenCount);
            if (cached > 0)
            {
                Raise(static (h, ev) => h.OnCacheHit(ev), e, nameof(IMemoryHooks.OnCacheHit));
            }
            else
            {
                Raise(static (h, ev) => h.OnCacheMiss(ev), e, nameof(IMemoryHooks.OnCacheMiss));
            }
        }
    }

    /// <summary>Invokes every hook, logging and swallowing what they throw.</summary>
    public void Raise<TEvent>(Action<IMemoryHooks, TEvent> invoke, TEvent e, string name)
    {
        foreach (var hook in Options.Hooks)
        {
            try
            {
                invoke(hook, e);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Options.Logger?.HookThrew(ex, hook.GetType().Name, name);
            }
        }
    }

    // A policy abandoned at its latency budget may still be running (cancelled, but CPU-bound code notices only at
    // its next check), and it reads and writes the conversation's caches. The next policy build waits for it, up
    // to the latency budget; if it is still running then, this build falls back to sliding, which uses no cache.
    private async ValueTask<string?> WaitForAbandonedPolicyAsync(Transcript transcript, CancellationToken cancellationToken)
    {
        if (transcript.RunningPolicy is not { IsCompleted: false } previous)
        {
            return null;
        }

        try
        {
            await previous.WaitAsync(Options.LatencyBudget ?? Timeout.InfiniteTimeSpan, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "busy: the previous build of this conversation overran its latency budget and has not stopped yet";
        }
        catch (Exception) when (previous.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            // It failed or was cancelled: either way it no longer touches the conversation.
        }

        return null;
    }

    // Runs the policy; returns null on success or the reason to fall back. Caller cancellation propagates.
    private async ValueTask<string?> RunPolicyAsync(IMemoryPolicy policy, MemoryFrame frame, CancellationToken cancellationToken)
    {
        if (Options.LatencyBudget is not { } budget || policy is SlidingPolicy)
        {
            try
            {
                await policy.BuildAsync(frame, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                return Describe(ex);
            }
        }

        // The policy runs on its own thread so that the deadline holds even for CPU-bound code that never looks
        // at its token (and cannot starve the thread pool the deadline needs): at the deadline we stop waiting,
        // cancel the policy's token, and build with sliding over a fresh frame.
        using var deadline = new CancellationTokenSource(budget, Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked.Token;
        var run = Task.Factory.StartNew(
            () => policy.BuildAsync(frame, token).AsTask(),
            CancellationToken.None,
            TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
            TaskScheduler.Default).Unwrap();
        frame.Transcript.RunningPolicy = run;
        try
        {
            await run.WaitAsync(budget, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException) when (!run.IsCompleted)
        {
            _ = run.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return string.Create(CultureInfo.InvariantCulture, $"timeout: the policy exceeded its {budget.TotalMilliseconds:0.###} ms latency budget");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"timeout: the policy exceeded its {budget.TotalMilliseconds:0.###} ms latency budget");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            return Describe(ex);
        }
        finally
        {
            // Whichever timer or caller ended the wait, an abandoned policy must see its token cancelled before
            // the token source is disposed (otherwise it would never learn it was abandoned).
            if (!run.IsCompleted)
            {
                await linked.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    // What one build works with, passed from its start to its finish.
    private readonly record struct Build(Transcript Transcript, int ToolTokens, double Ratio, WindowHistory Previous, long Started, Activity? Activity);

    private static string Describe(Exception ex) => $"exception: {ex.GetType().Name}: {ex.Message}";
}

namespace FiniteMemory.Tests.Engine;

/// <summary>A clock that only moves when told to, with timers the test fires by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    /// <summary>Moves the clock (fires nothing: the test fires timers itself).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    /// <summary>The timers created so far, in creation order.</summary>
    public IReadOnlyList<ManualTimer> Timers
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers];
            }
        }
    }

    /// <summary>Waits (in real time, 120 s only as a hang guard) until at least <paramref name="count"/> timers exist.</summary>
    public async Task<IReadOnlyList<ManualTimer>> WaitForTimersAsync(int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (Timers.Count < count)
        {
            if (guard.IsCancellationRequested)
            {
                throw new TimeoutException($"Hung: {Timers.Count} of the {count} timers the test waits for were created within 120 s.");
            }

            await Task.Delay(5, CancellationToken.None);
        }

        return Timers;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(callback, state, dueTime);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        return timer;
    }
}

/// <summary>A timer that fires only when the test calls <see cref="Fire"/>, and never once disposed.</summary>
internal sealed class ManualTimer(TimerCallback callback, object? state, TimeSpan dueTime) : ITimer
{
    private int _disposed;

    public TimeSpan DueTime { get; private set; } = dueTime;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Fire()
    {
        if (!IsDisposed && DueTime != Timeout.InfiniteTimeSpan)
        {
            callback(state);
        }
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        DueTime = dueTime;
        return !IsDisposed;
    }

    public void Dispose() => Volatile.Write(ref _disposed, 1);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

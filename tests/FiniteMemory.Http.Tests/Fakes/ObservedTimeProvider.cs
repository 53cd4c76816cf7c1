using Microsoft.Extensions.Time.Testing;

namespace FiniteMemory.Http.Tests.Fakes;

/// <summary>A fake clock that also reports every timer created or re-armed on it (a CancelAfter re-arms one), so a test knows when a wait has begun before it advances time.</summary>
public sealed class ObservedTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _timers = [];

    public ObservedTimeProvider()
        : base(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public IReadOnlyList<TimeSpan> Timers
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Recorded only once the base clock holds the timer: a test that sees it and advances the clock must fire it,
        // not race ahead of its registration (a timer registered after the advance would wait for the next one).
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Record(dueTime);
        return new ObservedTimer(timer, this);
    }

    /// <summary>Waits (in real time) until a timer of exactly <paramref name="dueTime"/> has been created.</summary>
    public Task WaitForTimerAsync(TimeSpan dueTime, TimeSpan timeout) => WaitForTimersAsync(dueTime, 1, timeout);

    /// <summary>Waits (in real time, <paramref name="timeout"/> only as a hang guard) until <paramref name="count"/> timers of exactly <paramref name="dueTime"/> have been created.</summary>
    public async Task WaitForTimersAsync(TimeSpan dueTime, int count, TimeSpan timeout)
    {
        using var guard = new CancellationTokenSource(timeout);
        while (Timers.Count(t => t == dueTime) < count)
        {
            if (guard.IsCancellationRequested)
            {
                throw new TimeoutException($"Hung: fewer than {count} timers of {dueTime} were created within {timeout.TotalSeconds:0} s; timers: {string.Join(", ", Timers)}.");
            }

            await Task.Delay(5);
        }
    }

    private void Record(TimeSpan dueTime)
    {
        lock (_gate)
        {
            _timers.Add(dueTime);
        }
    }

    /// <summary>Passes everything to the base clock's timer, recording each re-arm once the base timer holds it.</summary>
    private sealed class ObservedTimer(ITimer inner, ObservedTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Record(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

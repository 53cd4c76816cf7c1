using Microsoft.Extensions.Time.Testing;

namespace FiniteMemory.Http.Tests.Fakes;

/// <summary>A fake clock that also reports every timer created on it, so a test knows when a wait has begun before it advances time.</summary>
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
        lock (_gate)
        {
            _timers.Add(dueTime);
        }

        return timer;
    }

    /// <summary>Waits (in real time) until a timer of exactly <paramref name="dueTime"/> has been created.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Timers.Contains(dueTime))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No timer of {dueTime} was created; timers: {string.Join(", ", Timers)}.");
            }

            await Task.Delay(5);
        }
    }
}

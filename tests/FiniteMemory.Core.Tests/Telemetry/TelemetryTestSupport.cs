using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FiniteMemory.Policies;
using Microsoft.Extensions.Logging;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Telemetry;

/// <summary>
/// The sliding policy under a name unique to one test, so that the test can pick its own measurements and
/// activities out of a process where other tests run in parallel. Optionally throws on chosen builds.
/// </summary>
internal sealed class UniquelyNamedPolicy(Func<int, bool>? throwOnBuild = null) : IMemoryPolicy
{
    private int _builds;

    public string Name { get; } = "test-" + Guid.NewGuid().ToString("N");

    public string Description => "sliding under a unique name";

    public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken)
    {
        var build = Interlocked.Increment(ref _builds);
        if (throwOnBuild?.Invoke(build) == true)
        {
            throw new InvalidOperationException("policy failed on build " + build);
        }

        return SlidingPolicy.Instance.BuildAsync(frame, cancellationToken);
    }
}

/// <summary>One measurement of a FiniteMemory instrument.</summary>
internal sealed record Measurement(string Instrument, double Value);

/// <summary>Listens to the FiniteMemory meter and keeps the measurements tagged with one policy name.</summary>
internal sealed class FiniteMemoryMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly string _policy;

    public FiniteMemoryMetrics(string policy)
    {
        _policy = policy;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FiniteMemoryTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Measurements => [.. _measurements];

    public IReadOnlyList<double> Values(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value)];

    public double Sum(string instrument) => Values(instrument).Sum();

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "finitememory.policy" && tag.Value as string == _policy)
            {
                _measurements.Enqueue(new Measurement(instrument.Name, value));
                return;
            }
        }
    }
}

/// <summary>Listens to the FiniteMemory activity source and keeps the stopped activities of one policy (and their parents).</summary>
internal sealed class FiniteMemoryActivities : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _builds = new();

    public FiniteMemoryActivities(string policy)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FiniteMemoryTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == FiniteMemoryTelemetry.BuildActivityName && activity.GetTagItem("finitememory.policy") as string == policy)
                {
                    _builds.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Builds => [.. _builds];

    public void Dispose() => _listener.Dispose();
}

/// <summary>Records every hook event, in order.</summary>
internal sealed class RecordingHooks : IMemoryHooks
{
    private readonly ConcurrentQueue<object> _events = new();

    public IReadOnlyList<object> Events => [.. _events];

    public IReadOnlyList<T> Of<T>() => [.. _events.OfType<T>()];

    public IReadOnlyList<string> Names => [.. _events.Select(e => e.GetType().Name)];

    public void OnChatStart(ChatStartEvent e) => _events.Enqueue(e);

    public void OnChatComplete(ChatCompleteEvent e) => _events.Enqueue(e);

    public void OnPolicyExecuted(PolicyExecutedEvent e) => _events.Enqueue(e);

    public void OnCacheHit(CacheEvent e) => _events.Enqueue(new CacheHit(e));

    public void OnCacheMiss(CacheEvent e) => _events.Enqueue(new CacheMiss(e));

    /// <summary>A cache event raised through <see cref="IMemoryHooks.OnCacheHit"/>.</summary>
    public sealed record CacheHit(CacheEvent Event);

    /// <summary>A cache event raised through <see cref="IMemoryHooks.OnCacheMiss"/>.</summary>
    public sealed record CacheMiss(CacheEvent Event);
}

/// <summary>Hooks that throw from every callback.</summary>
internal sealed class ThrowingHooks : IMemoryHooks
{
    public void OnChatStart(ChatStartEvent e) => throw new InvalidOperationException("start hook");

    public void OnChatComplete(ChatCompleteEvent e) => throw new InvalidOperationException("complete hook");

    public void OnPolicyExecuted(PolicyExecutedEvent e) => throw new InvalidOperationException("policy hook");

    public void OnCacheHit(CacheEvent e) => throw new InvalidOperationException("hit hook");

    public void OnCacheMiss(CacheEvent e) => throw new InvalidOperationException("miss hook");
}

/// <summary>A logger that keeps what it is given.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception), exception));
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FiniteMemory;

/// <summary>
/// The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>FiniteMemory</c>. OpenTelemetry picks
/// them up with <c>AddMeter("FiniteMemory")</c> and <c>AddSource("FiniteMemory")</c>.
/// </summary>
public static class FiniteMemoryTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "FiniteMemory";

    /// <summary>The activity for one window build.</summary>
    public const string BuildActivityName = "FiniteMemory.BuildWindow";

    /// <summary>The activity for one chat turn (build plus model call), in a session or through the middleware.</summary>
    public const string ChatActivityName = "FiniteMemory.Chat";

    /// <summary>The meter.</summary>
    public static Meter Meter { get; } = new(Name, typeof(FiniteMemoryTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The activity source.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(FiniteMemoryTelemetry).Assembly.GetName().Version?.ToString());
}

using Microsoft.Extensions.Logging;

namespace FiniteMemory;

/// <summary>Every log event of FiniteMemory, source-generated: no boxing, and nothing formatted for a disabled level.</summary>
internal static partial class MemoryLog
{
    [LoggerMessage(EventId = 1, EventName = "PolicyFellBack", Level = LogLevel.Warning, Message = "FiniteMemory policy '{Policy}' fell back to sliding: {Reason}")]
    public static partial void PolicyFellBack(this ILogger logger, string policy, string reason);

    [LoggerMessage(
        EventId = 2,
        EventName = "ImplausibleUsage",
        Level = LogLevel.Warning,
        Message = "FiniteMemory ignored implausible usage: the provider reported {Reported} input tokens for a request counted at {Estimated}; calibration unchanged.")]
    public static partial void ImplausibleUsage(this ILogger logger, long reported, int estimated);

    [LoggerMessage(EventId = 3, EventName = "HookThrew", Level = LogLevel.Warning, Message = "FiniteMemory hook {Hook}.{Event} threw; ignored.")]
    public static partial void HookThrew(this ILogger logger, Exception exception, string hook, string @event);
}

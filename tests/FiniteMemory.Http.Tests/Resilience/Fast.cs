namespace FiniteMemory.Http.Tests.Resilience;

/// <summary>Resilience options that keep fault tests short: millisecond waits, no jitter; the attempt timeout is only a hang guard unless a test sets its own.</summary>
public static class Fast
{
    public static ResilienceOptions Options(int maxRetries = 3, TimeSpan? attemptTimeout = null) => new()
    {
        MaxRetries = maxRetries,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        UseJitter = false,
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(60),
    };
}

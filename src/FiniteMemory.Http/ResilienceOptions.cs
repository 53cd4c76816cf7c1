namespace FiniteMemory.Http;

/// <summary>
/// How a hosted backend survives a provider's failures: how long one attempt may wait for the response
/// headers, how often a transient failure is retried and how long to wait between attempts.
/// </summary>
/// <remarks>
/// Retried: HTTP 408, 429 and every 5xx but 501 and 505 (Anthropic's 529 "overloaded" among them), connection
/// failures (refused, reset) and attempts that time out; error bodies are read within the attempt, so a stalled
/// one times out too. Never retried: any other status (400, 401, 403, 404, 422 …) and the caller's own cancellation.
/// Redirects are not followed (a redirect target would receive the key headers). The wait
/// before retry <c>n</c> (1-based) is <see cref="BaseDelay"/> × 2<sup>n-1</sup>, with jitter when
/// <see cref="UseJitter"/> is set, unless the provider says how long to wait (<c>Retry-After</c> as seconds or
/// an HTTP date, or <c>retry-after-ms</c>); every wait is capped at <see cref="MaxDelay"/>.
/// </remarks>
public sealed record ResilienceOptions
{
    /// <summary>The defaults: 100 s per attempt, 3 retries, 1 s base delay, 30 s cap, jitter on.</summary>
    public static ResilienceOptions Default { get; } = new();

    /// <summary>
    /// How long one attempt may wait for the response headers (and, for a non-streamed response, its body); for a
    /// streamed one, also the longest silence after the headers, before the first event included (a reasoning model
    /// that thinks silently needs more). Default 100 s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>How many times a transient failure is retried after the first attempt (0 disables retries). Default 3.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The wait before the first retry; it doubles with every further retry. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts, also the cap on a provider's <c>Retry-After</c>. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether computed waits are randomised (decorrelated jitter) so that many clients do not retry in step. Default true.</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>
    /// The most bytes one answer's body may have (decompressed, a stream's events included); past it reading stops
    /// with a <see cref="BackendResponseTooLargeException"/>, so a server that sends without end cannot fill memory.
    /// Default 64 MB: an OpenAI-style stream spends about 300 bytes of event per token, so this is about 200,000
    /// tokens, above the longest outputs current models allow (128,000 tokens). At most
    /// <see cref="MaxMaxResponseBytes"/>, the largest body a byte array holds.
    /// </summary>
    public long MaxResponseBytes { get; init; } = DefaultMaxResponseBytes;

    /// <summary>The default of <see cref="MaxResponseBytes"/>: 64 MB.</summary>
    public const long DefaultMaxResponseBytes = 64L * 1024 * 1024;

    /// <summary>The smallest <see cref="MaxResponseBytes"/> accepted: 1 KB.</summary>
    public const long MinMaxResponseBytes = 1024;

    /// <summary>
    /// The largest <see cref="MaxResponseBytes"/> accepted: one byte less than <see cref="Array.MaxLength"/>, since a
    /// non-streamed body is buffered in one array with room for the byte that proves it too long (about 2 GB).
    /// </summary>
    public static long MaxMaxResponseBytes => Array.MaxLength - 1L;

    /// <summary>The clock used for timeouts and waits (tests pass a fake one). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The name of the setting a user raises when attempts time out, quoted in the timeout error.
    /// Default: the backend's <c>timeout</c> setting.
    /// </summary>
    public string TimeoutSettingName { get; init; } = "timeout (BackendSettings.Timeout)";

    /// <summary>Called before each retry with what failed and how long the handler will wait; for logging and tests.</summary>
    public Action<RetryAttempt>? OnRetry { get; init; }

    /// <summary>The shortest per-attempt timeout accepted (Polly's lower bound): 10 ms.</summary>
    public static TimeSpan MinAttemptTimeout { get; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest per-attempt timeout accepted (Polly's upper bound): 24 hours.</summary>
    public static TimeSpan MaxAttemptTimeout { get; } = TimeSpan.FromHours(24);

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if ((AttemptTimeout < MinAttemptTimeout || AttemptTimeout > MaxAttemptTimeout) && AttemptTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "AttemptTimeout must be between 10 ms and 24 hours (or Timeout.InfiniteTimeSpan).");
        }

        if (MaxRetries is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries must be between 0 and 100.");
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "BaseDelay and MaxDelay must not be negative.");
        }

        if (MaxResponseBytes < MinMaxResponseBytes || MaxResponseBytes > MaxMaxResponseBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), MaxResponseBytes, ResponseBytesRange("MaxResponseBytes"));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    /// <summary>What the accepted range of <see cref="MaxResponseBytes"/> is, for errors about the setting called <paramref name="name"/>.</summary>
    internal static string ResponseBytesRange(string name) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} must be between {MinMaxResponseBytes:N0} and {MaxMaxResponseBytes:N0} bytes (default {DefaultMaxResponseBytes / (1024 * 1024)} MB).");
}

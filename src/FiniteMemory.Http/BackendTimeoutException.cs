namespace FiniteMemory.Http;

/// <summary>A provider did not answer within the per-attempt timeout, on every attempt the retry policy allowed.</summary>
public sealed class BackendTimeoutException : BackendHttpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="timeout">The per-attempt timeout.</param>
    /// <param name="attempts">How many attempts were made.</param>
    /// <param name="settingName">The setting to raise, quoted in the message.</param>
    /// <param name="innerException">The timeout strategy's exception.</param>
    public BackendTimeoutException(string provider, TimeSpan timeout, int attempts, string settingName, Exception? innerException = null)
        : base(
            provider,
            statusCode: null,
            providerMessage: null,
            requestId: null,
            $"{provider} did not answer within {Seconds(timeout)} s ({(attempts == 1 ? "1 attempt" : $"{attempts} attempts")}). Raise the {settingName} setting, or check that the endpoint is reachable.",
            innerException)
    {
        Timeout = timeout;
        Attempts = attempts;
    }

    /// <summary>Creates the exception.</summary>
    public BackendTimeoutException()
        : this(string.Empty, TimeSpan.Zero, 0, "timeout")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The per-attempt timeout that ran out.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}

namespace FiniteMemory.Http;

/// <summary>
/// A provider's streamed response ended or broke before its terminal event: what was received is incomplete
/// and must not be taken (or remembered) as the whole answer.
/// </summary>
public sealed class BackendStreamException : BackendHttpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="message">The whole message, already redacted.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public BackendStreamException(string provider, string message, Exception? innerException = null)
        : base(provider, statusCode: null, providerMessage: null, requestId: null, message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendStreamException()
        : this(string.Empty, "The backend's stream ended before it finished.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendStreamException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendStreamException(string message, Exception innerException)
        : this(string.Empty, message, innerException)
    {
    }

    /// <summary>The error for a stream that ended (EOF) before <paramref name="terminalEvent"/>.</summary>
    public static BackendStreamException EndedEarly(string provider, string terminalEvent) =>
        EndedBefore(provider, $"its '{terminalEvent}' event");

    /// <summary>The error for a stream that ended (EOF) before <paramref name="what"/> (for example "a chunk with a finishReason").</summary>
    public static BackendStreamException EndedBefore(string provider, string what) =>
        new(provider, $"{provider}'s stream ended before {what}: the response is incomplete. Retry the request.");

    /// <summary>The error for a stream whose connection broke mid-way.</summary>
    public static BackendStreamException Broken(string provider, Exception exception, SecretRedactor redactor)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(redactor);
        return new(provider, $"{provider}'s stream broke before it finished: {redactor.Redact(ExceptionText.Describe(exception))}. The response is incomplete. Retry the request.", redactor.Clean(exception));
    }
}

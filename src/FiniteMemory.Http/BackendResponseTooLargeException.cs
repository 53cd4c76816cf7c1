using System.Globalization;

namespace FiniteMemory.Http;

/// <summary>
/// A provider's answer went past a limit the client enforces: more bytes than
/// <see cref="ResilienceOptions.MaxResponseBytes"/>, or clearly more output than the
/// <c>ChatOptions.MaxOutputTokens</c> the request asked for. Reading stopped there, so memory stays bounded; what
/// arrived is incomplete and must not be taken (or remembered) as the answer.
/// </summary>
public sealed class BackendResponseTooLargeException : BackendHttpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="limit">The limit that was exceeded (bytes or tokens, as the message says).</param>
    /// <param name="message">The whole message, naming the limit and how to change it.</param>
    public BackendResponseTooLargeException(string provider, long limit, string message)
        : base(provider, statusCode: null, providerMessage: null, requestId: null, message)
    {
        Limit = limit;
    }

    /// <summary>Creates the exception.</summary>
    public BackendResponseTooLargeException()
        : this(string.Empty, 0, "The backend's response was larger than the client accepts.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendResponseTooLargeException(string message)
        : this(string.Empty, 0, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendResponseTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The limit that was exceeded: bytes for a body, tokens for the output.</summary>
    public long Limit { get; }

    /// <summary>The error for a response body longer than <paramref name="maxBytes"/>.</summary>
    internal static BackendResponseTooLargeException Bytes(string provider, long maxBytes) =>
        new(
            provider,
            maxBytes,
            string.Create(CultureInfo.InvariantCulture, $"{provider} sent a response larger than {maxBytes:N0} bytes; reading stopped there and the answer is incomplete. Raise the max-response-bytes setting (ResilienceOptions.MaxResponseBytes) if answers this long are expected."));

    /// <summary>The error for an answer clearly longer than the <paramref name="maxTokens"/> output tokens the request asked for.</summary>
    internal static BackendResponseTooLargeException Tokens(string provider, int maxTokens, long estimatedTokens) =>
        new(
            provider,
            maxTokens,
            string.Create(CultureInfo.InvariantCulture, $"{provider} sent far more than the {maxTokens:N0} output tokens the request allows (about {estimatedTokens:N0} so far): the server ignores the limit, so reading stopped and the answer is incomplete. Raise ChatOptions.MaxOutputTokens (fmem --max-tokens), or check that the endpoint honours max_tokens."));
}

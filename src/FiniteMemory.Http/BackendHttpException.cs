using System.Net;
using System.Text;
using System.Text.Json;

namespace FiniteMemory.Http;

/// <summary>
/// A hosted backend's request failed: the provider answered with an error status, sent something that is not
/// what its API documents, or could not be reached. The message names the provider, the status and the
/// provider's own explanation, and never contains the API key.
/// </summary>
public class BackendHttpException : Exception
{
    // An error body longer than this is not an error document worth reading whole.
    private const int MaxErrorBodyChars = 64 * 1024;

    private static readonly string[] RequestIdHeaders = ["request-id", "x-request-id", "anthropic-request-id", "x-goog-request-id", "x-amzn-requestid"];

    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="statusCode">The HTTP status, or null when there was no response.</param>
    /// <param name="providerMessage">The provider's own explanation, already redacted.</param>
    /// <param name="requestId">The provider's request id, for support tickets.</param>
    /// <param name="message">The whole message, already redacted.</param>
    /// <param name="innerException">The underlying failure.</param>
    public BackendHttpException(string provider, int? statusCode, string? providerMessage, string? requestId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider ?? string.Empty;
        StatusCode = statusCode;
        ProviderMessage = providerMessage;
        RequestId = requestId;
    }

    /// <summary>Creates the exception.</summary>
    public BackendHttpException()
        : this(string.Empty, null, null, null, "The backend's request failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendHttpException(string message)
        : this(string.Empty, null, null, null, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendHttpException(string message, Exception innerException)
        : this(string.Empty, null, null, null, message, innerException)
    {
    }

    /// <summary>The provider's display name (for example <c>Anthropic</c>).</summary>
    public string Provider { get; }

    /// <summary>The HTTP status the provider answered with, or null when there was no response.</summary>
    public int? StatusCode { get; }

    /// <summary>The provider's own explanation (from its error JSON), redacted; null when it gave none.</summary>
    public string? ProviderMessage { get; }

    /// <summary>The provider's request id (from a <c>request-id</c>-style header or the error body), when it sent one.</summary>
    public string? RequestId { get; }

    /// <summary>Builds the error for a failed response, reading the provider's error JSON.</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="response">The failed response; its body is read, not disposed.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    public static Task<BackendHttpException> FromResponseAsync(string provider, HttpResponseMessage response, CancellationToken cancellationToken) =>
        FromResponseAsync(provider, response, SecretRedactor.None, apiKeyVariable: null, cancellationToken);

    /// <summary>Builds the error for a failed response, reading the provider's error JSON.</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="response">The failed response; its body is read, not disposed.</param>
    /// <param name="redactor">Scrubs the API key from anything the provider wrote.</param>
    /// <param name="apiKeyVariable">The environment variable a user checks on 401/403 (for example <c>ANTHROPIC_API_KEY</c>), if any.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <remarks>
    /// The provider's explanation is taken from <c>error.message</c> (OpenAI, Anthropic, Gemini, AI21),
    /// <c>message</c> (Cohere), <c>detail</c> (Replicate) or a string <c>error</c>; without one the message
    /// is the status line.
    /// </remarks>
    public static async Task<BackendHttpException> FromResponseAsync(
        string provider,
        HttpResponseMessage response,
        SecretRedactor redactor,
        string? apiKeyVariable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(redactor);
        string body;
        try
        {
            // Bounded while reading (decompressed bytes): a response that did not come through ResilientHttpHandler
            // may still be a huge body or a compression bomb.
            body = await BoundedContent.ReadStringAsync(response.Content, BoundedContent.MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            body = string.Empty;
        }

        if (body.Length > MaxErrorBodyChars)
        {
            body = body[..MaxErrorBodyChars];
        }

        var (providerMessage, bodyRequestId) = ParseErrorBody(body);
        providerMessage = string.IsNullOrWhiteSpace(providerMessage) ? null : redactor.Redact(providerMessage.Trim());
        var requestId = HeaderRequestId(response) ?? bodyRequestId;
        var status = (int)response.StatusCode;
        var message = new StringBuilder()
            .Append(provider).Append(" returned ").Append(redactor.Redact(StatusLine(response)));
        if (providerMessage is not null)
        {
            message.Append(": ").Append(providerMessage);
        }

        if (message[^1] is not ('.' or '!' or '?'))
        {
            message.Append('.');
        }

        message.Append(Hint(response.StatusCode, apiKeyVariable));
        if (requestId is not null)
        {
            message.Append(" (request id ").Append(redactor.Redact(requestId)).Append(')');
        }

        return new BackendHttpException(provider, status, providerMessage, requestId is null ? null : redactor.Redact(requestId), message.ToString());
    }

    /// <summary>The error for a response body that is not valid JSON (or not the JSON the provider documents).</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="statusCode">The response's status.</param>
    /// <param name="exception">The parser's error.</param>
    /// <param name="redactor">Scrubs the API key from the parser's text.</param>
    public static BackendHttpException InvalidJson(string provider, int? statusCode, JsonException exception, SecretRedactor redactor)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(redactor);
        return new BackendHttpException(
            provider,
            statusCode,
            providerMessage: null,
            requestId: null,
            $"{provider} returned a response that is not valid JSON: {redactor.Redact(ExceptionText.Describe(exception))}. Check that the endpoint is {provider}'s API (or a compatible server).",
            redactor.Clean(exception));
    }

    /// <summary>"401 Unauthorized": the code and the reason phrase (or the status name).</summary>
    public static string StatusLine(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var reason = string.IsNullOrWhiteSpace(response.ReasonPhrase) ? SplitWords(response.StatusCode.ToString()) : response.ReasonPhrase;
        return $"{(int)response.StatusCode} {reason}";
    }

    private static string Hint(HttpStatusCode status, string? apiKeyVariable) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when apiKeyVariable is not null => $" Check {apiKeyVariable}.",
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => " Check the API key.",
        HttpStatusCode.NotFound => " Check the model name and the endpoint.",
        HttpStatusCode.TooManyRequests => " The provider is rate limiting and the retries ran out; wait, or raise the max-retries setting.",
        _ => string.Empty,
    };

    private static string? HeaderRequestId(HttpResponseMessage response)
    {
        foreach (var name in RequestIdHeaders)
        {
            if (response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } id)
            {
                return id;
            }
        }

        return null;
    }

    private static (string? Message, string? RequestId) ParseErrorBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                // Gemini's streaming endpoint wraps its error in an array.
                root = root[0];
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var requestId = String(root, "request_id");
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return (error.GetString(), requestId);
                }

                if (error.ValueKind == JsonValueKind.Object && String(error, "message") is { } nested)
                {
                    return (nested, requestId);
                }
            }

            return (String(root, "message") ?? String(root, "detail"), requestId);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string SplitWords(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(c);
        }

        return text.ToString();
    }
}

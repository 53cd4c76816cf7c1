using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using FiniteMemory.Http;

namespace FiniteMemory.OpenAI;

/// <summary>
/// Turns what the OpenAI SDK throws into FiniteMemory's backend errors (<see cref="BackendHttpException"/> and
/// its stream and timeout kinds): the HTTP status and the server's own message, never the key.
/// </summary>
internal static class OpenAIErrors
{
    private const int MaxMessageLength = 500;

    // How much of the server's text is read for the message: enough to see a key that straddles the cut.
    private const int RedactedLength = 4 * 1024;

    /// <summary>The backend error for <paramref name="exception"/>, or null to let it pass unchanged (the caller's own cancellation, errors already ours).</summary>
    /// <param name="exception">What the SDK threw.</param>
    /// <param name="connection">The connection, for the provider's name and the key to scrub.</param>
    /// <param name="streaming">Whether the call was streamed.</param>
    /// <param name="started">Whether part of a streamed answer had arrived: a transport failure then cut the stream.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static Exception? Translate(Exception exception, OpenAIConnection connection, bool streaming, bool started, CancellationToken cancellationToken)
    {
        var provider = connection.Preset.Description;
        var redactor = connection.Redactor;
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
            case BackendHttpException:
                return null;
            case ClientResultException { Status: > 0 } e:
                return FromStatus(e, connection);
            case ClientResultException { InnerException: BackendHttpException inner }:
                return inner;
            case ClientResultException or HttpRequestException or IOException when started:
                return BackendStreamException.Broken(provider, Innermost(exception), redactor);
            case ClientResultException e:
                return new BackendHttpException(provider, null, null, null, $"{provider} could not be reached at {SecretRedactor.DisplayUrl(connection.Endpoint)}: {redactor.Redact(ExceptionText.Describe(Innermost(e)))}.", redactor.Clean(e.InnerException));
            case JsonException when streaming:
                return new BackendStreamException(provider, $"{provider} sent a streamed event that is not valid JSON; the answer is incomplete. Check that the endpoint is an OpenAI-compatible server.", redactor.Clean(exception));
            case JsonException json:
                return BackendHttpException.InvalidJson(provider, 200, json, redactor);
            case not OperationCanceledException when redactor.Reveals(exception.ToString()):
                // Something the SDK threw that quotes the key (a server that echoes it where the SDK reads a value).
                return new BackendHttpException(provider, null, null, null, $"{provider}: {redactor.Redact(ExceptionText.Describe(exception))}.", redactor.Clean(exception));
            default:
                return null;
        }
    }

    /// <summary>The error for a stream that went silent for longer than <paramref name="limit"/>.</summary>
    public static BackendStreamException Silent(OpenAIConnection connection, TimeSpan limit) =>
        new(
            connection.Preset.Description,
            string.Create(CultureInfo.InvariantCulture, $"{connection.Preset.Description} sent no event for {limit.TotalSeconds:0.###} s during a streamed answer (keep-alive comments and partial lines do not count); the answer is incomplete. Raise the {connection.Resilience.TimeoutSettingName} setting if the model is that slow."),
            new TimeoutException());

    /// <summary>The error for a stream that ended without the model saying it had finished.</summary>
    public static BackendStreamException Unfinished(OpenAIConnection connection) =>
        BackendStreamException.EndedEarly(connection.Preset.Description, "finish_reason");

    // Like BackendHttpException.FromResponseAsync, from the SDK's response: the status line, the server's own words
    // (OpenAI, Ollama, DeepSeek and Together send {"error":{"message"}}, vLLM {"message"}, TGI {"error":"…"}), a hint.
    private static BackendHttpException FromStatus(ClientResultException exception, OpenAIConnection connection)
    {
        var provider = connection.Preset.Description;
        var response = exception.GetRawResponse();
        // Redacted before it is shortened, so that a key across the cut is found whole.
        var providerMessage = ProviderMessage(response, connection.Redactor);
        string? requestId = null;
        if (response is not null && (response.Headers.TryGetValue("x-request-id", out var id) || response.Headers.TryGetValue("request-id", out id)) && !string.IsNullOrEmpty(id))
        {
            requestId = connection.Redactor.Redact(id);
        }

        var status = (HttpStatusCode)exception.Status;
        var message = new StringBuilder()
            .Append(provider).Append(" returned ").Append(exception.Status.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(string.IsNullOrWhiteSpace(response?.ReasonPhrase) ? status.ToString() : connection.Redactor.Redact(response.ReasonPhrase));
        if (providerMessage is not null)
        {
            message.Append(": ").Append(providerMessage);
        }

        if (message[^1] is not ('.' or '!' or '?'))
        {
            message.Append('.');
        }

        message.Append(status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when connection.Preset.KeyVariable is { } variable => $" Check {variable} (or BackendSettings.ApiKey).",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => " This server takes no key: check the endpoint.",
            HttpStatusCode.NotFound => $" Check the model name and the endpoint ({SecretRedactor.DisplayUrl(connection.Endpoint)}).",
            HttpStatusCode.TooManyRequests => " The server is rate limiting and the retries ran out; wait, or raise the max-retries setting.",
            _ => string.Empty,
        });
        if (requestId is not null)
        {
            message.Append(" (request id ").Append(requestId).Append(')');
        }

        return new BackendHttpException(provider, exception.Status, providerMessage, requestId, message.ToString());
    }

    private static string? ProviderMessage(PipelineResponse? response, SecretRedactor redactor) =>
        ProviderMessage(response) is { } text ? Shorten(redactor.Redact(text.Length > RedactedLength ? text[..RedactedLength] : text)) : null;

    private static string? ProviderMessage(PipelineResponse? response)
    {
        string body;
        try
        {
            body = response?.Content?.ToString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            // The body was not buffered.
            return null;
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return error.GetString();
                    }

                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var nested) && nested.ValueKind == JsonValueKind.String)
                    {
                        return nested.GetString();
                    }
                }

                foreach (var name in (ReadOnlySpan<string>)["message", "detail"])
                {
                    if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: an HTML error page from a proxy, plain text from a local server; quoted, shortened.
        }

        return body;
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    private static string? Shorten(string? text)
    {
        if (text is null)
        {
            return null;
        }

        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= MaxMessageLength ? text : string.Concat(text.AsSpan(0, MaxMessageLength), "…");
    }
}

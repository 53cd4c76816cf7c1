using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;

namespace FiniteMemory.Http;

/// <summary>
/// What to tell a user about an exception, in FiniteMemory's own words for the framework's exceptions: a Native AOT
/// app built with <c>UseSystemResourceKeys</c> has no framework message text, only resource keys like
/// <c>net_http_client_execution_error</c>, so a message shown to users never depends on it.
/// </summary>
public static class ExceptionText
{
    /// <summary>
    /// A short phrase (no final period) for <paramref name="exception"/>: for HTTP, socket, TLS, file-system and JSON
    /// errors, built only from the exception's type and properties (<see cref="HttpRequestException.HttpRequestError"/>,
    /// <see cref="SocketException.SocketErrorCode"/>, the JSON position), so a caller names the address or path; for
    /// any other exception its own message, unless that is a bare resource key.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            HttpRequestException http => Http(http.HttpRequestError, http),
            HttpIOException io => Http(io.HttpRequestError, io),
            AuthenticationException => "the secure connection (TLS) could not be established: check that the endpoint speaks HTTPS and that its certificate is trusted",
            SocketException socket => Socket(socket.SocketErrorCode),
            JsonException json => Json(json),
            UriFormatException uri => OwnWords(uri.Message) ?? "an address that is not a valid URI",
            FormatException format => OwnWords(format.Message) ?? "a value that is not in the expected format",
            FileNotFoundException => "the file does not exist",
            DirectoryNotFoundException => "a folder on the path does not exist",
            PathTooLongException => "the path is too long",
            UnauthorizedAccessException => "permission denied",
            EndOfStreamException => "the data ended before it was complete",
            IOException io when Find<SocketException>(io) is { } socket => Socket(socket.SocketErrorCode),
            IOException io => OwnWords(io.Message) ?? "an input/output error",
            TimeoutException => "the operation timed out",
            OperationCanceledException => "the operation was canceled",
            _ => OwnWords(exception.Message) ?? $"an unexpected {exception.GetType().Name}",
        };
    }

    private static string Http(HttpRequestError error, Exception exception) => error switch
    {
        HttpRequestError.NameResolutionError => "the host name could not be resolved (check the spelling and the DNS)",
        HttpRequestError.ConnectionError when Find<SocketException>(exception) is { } socket => Socket(socket.SocketErrorCode),
        HttpRequestError.ConnectionError => "the connection could not be made",
        HttpRequestError.SecureConnectionError => "the secure connection (TLS) could not be established: check that the endpoint speaks HTTPS and that its certificate is trusted",
        HttpRequestError.HttpProtocolError => "the server broke the HTTP protocol",
        HttpRequestError.ExtendedConnectNotSupported => "the server does not support extended CONNECT",
        HttpRequestError.VersionNegotiationError => "the server does not support the HTTP version asked for",
        HttpRequestError.UserAuthenticationError => "authentication with the server failed",
        HttpRequestError.ProxyTunnelError => "the proxy could not open a tunnel to the server",
        HttpRequestError.InvalidResponse => "the server sent a response that is not valid HTTP",
        HttpRequestError.ResponseEnded => "the server closed the connection before the response was complete",
        HttpRequestError.ConfigurationLimitExceeded => "the response went over a limit of the HTTP client (such as the size of its headers)",
        _ when Find<SocketException>(exception) is { } socket => Socket(socket.SocketErrorCode),
        _ when Find<AuthenticationException>(exception) is not null => "the secure connection (TLS) could not be established: check that the endpoint speaks HTTPS and that its certificate is trusted",
        _ => "the request failed",
    };

    private static string Socket(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused: nothing is listening at that address and port",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name could not be resolved (check the spelling and the DNS)",
        SocketError.HostUnreachable or SocketError.HostDown => "the host is unreachable",
        SocketError.NetworkUnreachable or SocketError.NetworkDown => "the network is unreachable",
        SocketError.TimedOut => "the connection timed out",
        SocketError.ConnectionReset => "the server reset the connection",
        SocketError.ConnectionAborted or SocketError.Shutdown => "the connection was closed",
        SocketError.AccessDenied => "the connection was not permitted",
        _ => string.Create(CultureInfo.InvariantCulture, $"the connection failed (socket error {error})"),
    };

    private static string Json(JsonException exception)
    {
        var where = new List<string>(3);
        if (!string.IsNullOrEmpty(exception.Path))
        {
            where.Add($"at {exception.Path}");
        }

        if (exception.LineNumber is { } line)
        {
            where.Add(string.Create(CultureInfo.InvariantCulture, $"line {line + 1}"));
        }

        if (exception.BytePositionInLine is { } position)
        {
            where.Add(string.Create(CultureInfo.InvariantCulture, $"byte {position + 1}"));
        }

        return where.Count == 0
            ? "malformed JSON, or JSON of another shape than expected"
            : $"malformed JSON, or JSON of another shape than expected ({string.Join(", ", where)})";
    }

    // The message unless it is a resource key: an identifier, alone or before ", " and its arguments (what a
    // build with UseSystemResourceKeys makes of every framework message).
    private static string? OwnWords(string message)
    {
        var text = message.AsSpan().Trim();
        var end = text.IndexOf(',');
        var head = end < 0 ? text : text[..end];
        if (head.Length == 0)
        {
            return null;
        }

        var capitals = 0;
        foreach (var c in head)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return message.Trim();
            }

            capitals += char.IsAsciiLetterUpper(c) ? 1 : 0;
        }

        // net_http_client_execution_error, Arg_FormatException, DeserializeUnableToConvertValue; not "Boom".
        return head.Contains('_') || (capitals >= 2 && head.Length >= 8) ? null : message.Trim();
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}

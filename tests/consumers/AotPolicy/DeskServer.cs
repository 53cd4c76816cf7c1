using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Consumers;

namespace AotPolicy;

/// <summary>
/// The loopback fake the <c>desk</c> backend talks to: an HTTP/1.1 server on 127.0.0.1 (a port the system picks)
/// that answers <c>POST /answer</c> with <see cref="Recall.Answer"/> over the window it was sent, so the answer holds
/// the order number only if the memory policy kept that message in the window.
/// </summary>
/// <remarks>
/// Written on a socket rather than ASP.NET Core so the Native AOT binary stays the size of what is being tested
/// (FiniteMemory.Core and the app); it handles only what <see cref="DeskChatClient"/> sends: one request per
/// connection, a Content-Length body.
/// </remarks>
internal sealed class DeskServer : IDisposable
{
    private const int MaxRequestBytes = 4 * 1024 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _requests;

    private DeskServer()
    {
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}/");
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The server's address.</summary>
    public Uri Endpoint { get; }

    /// <summary>How many requests it answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>What went wrong with requests it could not answer.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Starts a server on 127.0.0.1 and a port the system picks.</summary>
    public static DeskServer Start() => new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await HandleAsync(client.GetStream()).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException)
                {
                    Errors.Enqueue(ex.Message);
                }
            }
        }
    }

    private async Task HandleAsync(NetworkStream stream)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (length == buffer.Length)
            {
                throw new InvalidDataException("The request's headers are larger than 64 KB.");
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException("The connection closed before the request's headers ended.");
            }

            length += read;
        }

        var head = Encoding.ASCII.GetString(buffer, 0, headerEnd).Split("\r\n");
        if (!head[0].StartsWith("POST /answer ", StringComparison.Ordinal))
        {
            await RespondAsync(stream, 404, Encoding.UTF8.GetBytes($"{{\"error\":\"only POST /answer is served, not '{head[0]}'\"}}")).ConfigureAwait(false);
            return;
        }

        var contentLength = head.Skip(1)
            .Select(static h => h.Split(':', 2))
            .Where(static h => h.Length == 2 && h[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(static h => int.Parse(h[1].Trim(), CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1)
            .First();
        if (contentLength is < 0 or > MaxRequestBytes)
        {
            throw new InvalidDataException($"The request has no usable Content-Length ({contentLength}).");
        }

        var body = new byte[contentLength];
        var have = Math.Min(length - headerEnd - 4, contentLength);
        buffer.AsSpan(headerEnd + 4, have).CopyTo(body);
        await stream.ReadExactlyAsync(body.AsMemory(have), _stop.Token).ConfigureAwait(false);

        var request = JsonSerializer.Deserialize(body, DeskJson.Default.DeskRequest)
            ?? throw new InvalidDataException("The request body is empty.");
        var window = request.Messages.Select(static m => (m.Role, m.Text)).ToList();
        var reply = new DeskReply(Recall.Answer(window, request.Persona, request.QuoteChars), request.Messages.Count);
        Interlocked.Increment(ref _requests);
        await RespondAsync(stream, 200, JsonSerializer.SerializeToUtf8Bytes(reply, DeskJson.Default.DeskReply)).ConfigureAwait(false);
    }

    private async Task RespondAsync(NetworkStream stream, int status, byte[] json)
    {
        var head = $"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} {(status == 200 ? "OK" : "Not Found")}\r\nContent-Type: application/json\r\nContent-Length: {json.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token).ConfigureAwait(false);
        await stream.WriteAsync(json, _stop.Token).ConfigureAwait(false);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FiniteMemory.Http.Tests.Fakes;

/// <summary>
/// A loopback HTTP server (Kestrel on 127.0.0.1, ephemeral port) standing in for a provider: it records every
/// request (method, path, query, headers, body; no arrival time: tests assert order, not wall-clock time) and answers with the scripted responses in order
/// (<see cref="Enqueue"/>), then with <see cref="Otherwise"/>; with neither it answers 599 so that a test sees
/// an unexpected request. Dispose it to stop it.
/// </summary>
public sealed class FakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Queue<FakeResponse> _script = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<int, TaskCompletionSource<ResponseFate>> _fates = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeServer(WebApplication app)
    {
        _app = app;
        _app.Run(HandleAsync);
    }

    /// <summary>The server's base address, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The answer once the script is used up; null answers 599.</summary>
    public Func<RecordedRequest, FakeResponse>? Otherwise { get; set; }

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>How many responses the client has finished receiving or abandoned.</summary>
    public int Completed { get; private set; }

    public static async Task<FakeServer> StartAsync(params FakeResponse[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var server = new FakeServer(builder.Build());
        server.Enqueue(script);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>Adds answers to the script, used one per request in order.</summary>
    public FakeServer Enqueue(params FakeResponse[] responses)
    {
        lock (_gate)
        {
            foreach (var response in responses)
            {
                _script.Enqueue(response);
            }
        }

        return this;
    }

    /// <summary>
    /// How the answer to request <paramref name="index"/> (0 for the first) ended: completes once the server has
    /// written it in full or the client went away first, so a test can tell whether the client gave up while the
    /// server was still waiting, without measuring time.
    /// </summary>
    public Task<ResponseFate> FateOf(int index)
    {
        lock (_gate)
        {
            return FateSource(index).Task;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived (<paramref name="hangGuard"/> only turns a hang into a failure).</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan hangGuard)
    {
        using var cts = new CancellationTokenSource(hangGuard);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_requests.Count >= count)
                {
                    return;
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Hung: {Requests.Count} of the {count} requests the test waits for arrived within {hangGuard.TotalSeconds:0} s.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(stop.Token);
        }

        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, headers, body);
        FakeResponse? scripted;
        TaskCompletionSource arrived;
        TaskCompletionSource<ResponseFate> fate;
        lock (_gate)
        {
            fate = FateSource(_requests.Count);
            _requests.Add(recorded);
            scripted = _script.Count > 0 ? _script.Dequeue() : Otherwise?.Invoke(recorded);
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
        var chunksWritten = new StrongBox<int>();
        try
        {
            // Delivered is what the writes say, not RequestAborted: a client may hang up right after reading the last
            // event (before the chunked terminator), and a late look at the token would then call a complete answer cut.
            var delivered = await WriteAsync(context, scripted ?? FakeResponse.Text($"The fake server has no scripted response for request {Requests.Count}.", 599), chunksWritten);
            fate.TrySetResult(new ResponseFate(delivered, chunksWritten.Value));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (cancelled or timed out): nothing more to write.
        }
        finally
        {
            fate.TrySetResult(new ResponseFate(Delivered: false, chunksWritten.Value));
            lock (_gate)
            {
                Completed++;
            }
        }
    }

    private TaskCompletionSource<ResponseFate> FateSource(int index)
    {
        if (!_fates.TryGetValue(index, out var fate))
        {
            fate = new TaskCompletionSource<ResponseFate>(TaskCreationOptions.RunContinuationsAsynchronously);
            _fates[index] = fate;
        }

        return fate;
    }

    /// <summary>Writes the scripted answer; true when every gate opened, every write ran its course and nothing was cut on purpose.</summary>
    private static async Task<bool> WriteAsync(HttpContext context, FakeResponse scripted, StrongBox<int> chunksWritten)
    {
        var aborted = context.RequestAborted;
        if (scripted.Stall)
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }

        if (scripted.ResetConnection)
        {
            context.Abort();
            return false;
        }

        if (scripted.CutAfterChunks)
        {
            await WriteAndCutAsync(context, scripted, chunksWritten);
            return false;
        }

        var response = context.Response;
        response.StatusCode = scripted.Status;
        response.ContentType = scripted.ContentType;
        foreach (var (name, value) in scripted.Headers)
        {
            response.Headers.Append(name, value);
        }

        await response.StartAsync(aborted);
        foreach (var (text, after) in scripted.Chunks)
        {
            if (after is not null)
            {
                await after.WaitAsync(aborted);
            }

            await response.Body.WriteAsync(FakeResponse.Encode(text), aborted);
            await response.Body.FlushAsync(aborted);
            chunksWritten.Value++;
        }

        if (scripted.Body is { } body)
        {
            await body(response.Body, aborted);
        }

        return true;
    }

    /// <summary>
    /// Writes the status, headers and chunks straight to the socket as a chunked HTTP/1.1 response, then closes the
    /// socket's sending side before the body's last chunk: the client reads all that was sent, then the end of the
    /// connection mid-body. (Kestrel's abort drops whatever is still queued in its transport, so a cut made through
    /// it could overtake the chunks, or even the headers, on a busy machine.)
    /// </summary>
    private static async Task WriteAndCutAsync(HttpContext context, FakeResponse scripted, StrongBox<int> chunksWritten)
    {
        if (scripted.Body is not null)
        {
            throw new NotSupportedException("A cut response is written chunk by chunk; a streamed body cannot be cut.");
        }

        var aborted = context.RequestAborted;
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket
            ?? throw new InvalidOperationException("A cut connection needs Kestrel's socket transport.");
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {scripted.Status} {ReasonPhrases.GetReasonPhrase(scripted.Status)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {scripted.ContentType}\r\nTransfer-Encoding: chunked\r\n");
        foreach (var (name, value) in scripted.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        await using (var wire = new NetworkStream(socket, ownsSocket: false))
        {
            await wire.WriteAsync(FakeResponse.Encode(head.Append("\r\n").ToString()), aborted);
            foreach (var (text, after) in scripted.Chunks)
            {
                if (after is not null)
                {
                    await after.WaitAsync(aborted);
                }

                var data = FakeResponse.Encode(text);
                await wire.WriteAsync(FakeResponse.Encode(string.Create(CultureInfo.InvariantCulture, $"{data.Length:x}\r\n")), aborted);
                await wire.WriteAsync(data, aborted);
                await wire.WriteAsync(FakeResponse.Encode("\r\n"), aborted);
                chunksWritten.Value++;
            }
        }

        // In order after everything written: the client sees it all, then an end of stream before the body's end.
        socket.Shutdown(SocketShutdown.Send);
        context.Abort();
    }
}

/// <summary>
/// How one scripted answer ended: <see cref="Delivered"/> when the server wrote all of it (every gate opened),
/// otherwise the client went away (or the connection was cut on purpose) after <see cref="ChunksWritten"/> of its
/// chunks had been sent.
/// </summary>
public sealed record ResponseFate(bool Delivered, int ChunksWritten);

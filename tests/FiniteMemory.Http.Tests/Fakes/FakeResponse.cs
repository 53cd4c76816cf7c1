using System.Text;

namespace FiniteMemory.Http.Tests.Fakes;

/// <summary>
/// One scripted answer of <see cref="FakeServer"/>: a status with headers and a body written in chunks (each, if
/// the test says so, only once a gate it holds opens), and optionally a cut connection after the chunks. Nothing
/// waits on the clock: a test decides when the server goes on, or that it never does (<see cref="Never"/>).
/// </summary>
public sealed class FakeResponse
{
    private readonly List<(string Name, string Value)> _headers = [];
    private readonly List<(string Text, Task? After)> _chunks = [];

    private FakeResponse(int status, string contentType)
    {
        Status = status;
        ContentType = contentType;
    }

    public int Status { get; }

    public string ContentType { get; }

    public IReadOnlyList<(string Name, string Value)> Headers => _headers;

    public IReadOnlyList<(string Text, Task? After)> Chunks => _chunks;

    /// <summary>
    /// A gate that never opens: the server never writes a chunk behind it and waits until the client goes away, so
    /// the response's fate shows whether the client left (and after how many chunks) without a clock.
    /// </summary>
    public static Task Never { get; } = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task;

    /// <summary>Whether the connection is aborted after the last chunk (no clean end of the body).</summary>
    public bool CutAfterChunks { get; private set; }

    /// <summary>Never answers: waits until the client gives up.</summary>
    public bool Stall { get; private set; }

    /// <summary>Aborts the connection before any header is sent (a connection reset).</summary>
    public bool ResetConnection { get; private set; }

    /// <summary>A JSON body.</summary>
    public static FakeResponse Json(string body, int status = 200) => new FakeResponse(status, "application/json").Chunk(body);

    /// <summary>A body of another type (for malformed bodies and HTML error pages).</summary>
    public static FakeResponse Text(string body, int status = 200, string contentType = "text/plain") => new FakeResponse(status, contentType).Chunk(body);

    /// <summary>A status with an empty body.</summary>
    public static FakeResponse StatusOnly(int status) => new(status, "text/plain");

    /// <summary>A <c>text/event-stream</c> body, one chunk per event.</summary>
    public static FakeResponse Sse(IEnumerable<SseEvent> events)
    {
        var response = new FakeResponse(200, "text/event-stream");
        foreach (var e in events)
        {
            response.Chunk(e.ToWire());
        }

        return response;
    }

    /// <summary>
    /// A body written by <paramref name="write"/> after the headers (huge, endless or compressed bodies); it stops when
    /// the client goes away (its token is the request's abort).
    /// </summary>
    public static FakeResponse Streamed(int status, string contentType, Func<Stream, CancellationToken, Task> write) =>
        new(status, contentType) { Body = write };

    /// <summary>The body writer of <see cref="Streamed"/>, run after the chunks.</summary>
    public Func<Stream, CancellationToken, Task>? Body { get; private init; }

    /// <summary>A response that never comes: the request hangs until the client cancels or times out.</summary>
    public static FakeResponse Hang() => new FakeResponse(200, "application/json") { Stall = true };

    /// <summary>A connection reset: the server aborts the connection without answering.</summary>
    public static FakeResponse Reset() => new FakeResponse(200, "text/plain") { ResetConnection = true };

    public FakeResponse WithHeader(string name, string value)
    {
        _headers.Add((name, value));
        return this;
    }

    /// <summary>Adds a raw body chunk, written and flushed once <paramref name="after"/> (if any) has completed.</summary>
    public FakeResponse Chunk(string text, Task? after = null)
    {
        _chunks.Add((text, after));
        return this;
    }

    /// <summary>Aborts the connection after the chunks written so far (a stream cut mid-way).</summary>
    public FakeResponse ThenCut()
    {
        CutAfterChunks = true;
        return this;
    }

    internal static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>One server-sent event as the fake writes it.</summary>
/// <param name="Type">The <c>event:</c> field, or null for an unnamed event.</param>
/// <param name="Data">The <c>data:</c> payload (one line).</param>
public sealed record SseEvent(string? Type, string Data)
{
    public static SseEvent Named(string type, string data) => new(type, data);

    public static SseEvent Unnamed(string data) => new(null, data);

    public string ToWire() => (Type is null ? string.Empty : $"event: {Type}\n") + $"data: {Data}\n\n";
}

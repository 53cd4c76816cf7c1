using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FiniteMemory.Fakes;

/// <summary>
/// An OpenAI-compatible server on 127.0.0.1 (ephemeral port, Kestrel) that replays the real wire format:
/// <c>POST /v1/chat/completions</c> as JSON or as server-sent events (<c>data: {chunk}</c> lines, a final usage
/// chunk when <c>stream_options.include_usage</c> asks for it, then <c>data: [DONE]</c>), and <c>POST /v1/embeddings</c>.
/// It records every request. Scripted steps (<see cref="Enqueue"/>) answer the next requests instead of the default
/// reply: errors, faults, tool calls. Shared by the OpenAI tests, fmem's end-to-end tests and the benchmarks.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<FakeRequest, HttpContext, Task>> _script = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly Lock _gate = new();
    private readonly bool _record;

    private FakeOpenAIServer(WebApplication app, bool record)
    {
        _app = app;
        _record = record;
    }

    /// <summary>The base address clients use: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The default answer's text for a chat request.</summary>
    public Func<FakeRequest, string> Reply { get; set; } = static r => string.Create(CultureInfo.InvariantCulture, $"Answer {r.Index}: noted.");

    /// <summary>The prompt token count the default answer reports (default: 10 per message).</summary>
    public Func<FakeRequest, int> PromptTokens { get; set; } = static r => 10 * (r.Json?["messages"]?.AsArray().Count ?? 0);

    /// <summary>The cached prompt tokens the default answer reports.</summary>
    public Func<FakeRequest, int> CachedTokens { get; set; } = static _ => 0;

    /// <summary>Requests received so far, in arrival order.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Only the chat requests.</summary>
    public IReadOnlyList<FakeRequest> ChatRequests => [.. Requests.Where(static r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))];

    /// <summary>Starts a server; <paramref name="record"/> false keeps no requests (benchmarks).</summary>
    public static async Task<FakeOpenAIServer> StartAsync(bool record = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOpenAIServer(app, record);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>Answers the next request with <paramref name="step"/> instead of the default reply.</summary>
    public void Enqueue(Func<FakeRequest, HttpContext, Task> step) => _script.Enqueue(step);

    /// <summary>The default answer: a chat completion (JSON or streamed, as asked) or embeddings.</summary>
    public Task DefaultAsync(FakeRequest request, HttpContext context)
    {
        if (request.Path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            return WriteEmbeddingsAsync(request, context);
        }

        if (!request.Path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            return ErrorAsync(context, 404, $"Unknown path {request.Path}", "invalid_request_error");
        }

        var usage = Usage(PromptTokens(request), 7, CachedTokens(request));
        var text = Reply(request);
        return request.Stream
            ? StreamAsync(context, request, [Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }), .. Pieces(text).Select(p => Chunk(new JsonObject { ["content"] = p })), Chunk(new JsonObject(), "stop")], usage)
            : CompletionAsync(context, new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop", usage);
    }

    /// <summary>An OpenAI error body with a status (and optional <c>Retry-After</c> seconds).</summary>
    public static Func<FakeRequest, HttpContext, Task> Error(int status, string message, string type = "invalid_request_error", int? retryAfterSeconds = null) =>
        (_, context) =>
        {
            if (retryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            return ErrorAsync(context, status, message, type);
        };

    /// <summary>A chat completion that calls tools (JSON or streamed as <c>tool_calls</c> deltas, as the request asks).</summary>
    public static Func<FakeRequest, HttpContext, Task> ToolCalls(params (string Id, string Name, string Arguments)[] calls) =>
        (request, context) =>
        {
            var usage = Usage(42, 9, 0);
            if (!request.Stream)
            {
                var array = new JsonArray();
                foreach (var c in calls)
                {
                    array.Add(new JsonObject { ["id"] = c.Id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments } });
                }

                return CompletionAsync(context, new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = array }, "tool_calls", usage);
            }

            // As OpenAI streams them: the first delta of each call carries id, type and name; the arguments follow in pieces.
            var chunks = new List<JsonObject> { Chunk(new JsonObject { ["role"] = "assistant", ["content"] = null }) };
            for (var i = 0; i < calls.Length; i++)
            {
                var (id, name, arguments) = calls[i];
                chunks.Add(Chunk(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = i, ["id"] = id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = "" } }) }));
                foreach (var piece in Pieces(arguments))
                {
                    chunks.Add(Chunk(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = i, ["function"] = new JsonObject { ["arguments"] = piece } }) }));
                }
            }

            chunks.Add(Chunk(new JsonObject(), "tool_calls"));
            return StreamAsync(context, request, chunks, usage);
        };

    /// <summary>Status 200 with a body that is not JSON.</summary>
    public static Func<FakeRequest, HttpContext, Task> Malformed() =>
        async (request, context) =>
        {
            context.Response.StatusCode = 200;
            if (request.Stream)
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\n\n").ConfigureAwait(false);
                await context.Response.WriteAsync("data: [DONE]\n\n").ConfigureAwait(false);
            }
            else
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"Hel").ConfigureAwait(false);
            }
        };

    /// <summary>
    /// A stream that sends <paramref name="text"/>'s first pieces and then drops the connection mid-event. It is
    /// written straight to the socket, whose sending side is then closed: the client reads everything sent, then the
    /// end of the connection. (Kestrel's abort drops whatever is still queued in its transport, so a cut made through
    /// it could overtake the events, or even the headers, on a busy machine, and a cut before the headers is a
    /// failure the client rightly retries.)
    /// </summary>
    public static Func<FakeRequest, HttpContext, Task> CutStream(string text) =>
        async (_, context) =>
        {
            var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket
                ?? throw new InvalidOperationException("A cut stream needs Kestrel's socket transport.");
            var wire = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            var events = Pieces(text).Select(static piece => $"data: {Chunk(new JsonObject { ["content"] = piece }).ToJsonString()}\n\n")
                .Append("data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.comp");
            foreach (var data in events)
            {
                wire.Append(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(data):x}\r\n{data}\r\n");
            }

            var stream = new NetworkStream(socket, ownsSocket: false);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(wire.ToString()), context.RequestAborted).ConfigureAwait(false);
            }

            // After everything written, in order: the client sees it all, then the end of the connection mid-event.
            socket.Shutdown(SocketShutdown.Send);
            context.Abort();
        };

    /// <summary>
    /// Never answers: waits until the client goes away. <paramref name="arrived"/> completes when the request is in,
    /// <paramref name="clientLeft"/> when the client went away, the only way the wait ends.
    /// </summary>
    public static Func<FakeRequest, HttpContext, Task> Hang(TaskCompletionSource? arrived = null, TaskCompletionSource? clientLeft = null) =>
        async (_, context) =>
        {
            arrived?.TrySetResult();
            await WaitForTheClientToLeaveAsync(context, clientLeft).ConfigureAwait(false);
        };

    /// <summary>
    /// Streams the first pieces of the default answer ("Partial answer "), then stalls without closing until the
    /// client goes away: no later event is ever written. <paramref name="stalled"/> completes when the stall begins,
    /// <paramref name="clientLeft"/> when the client went away, the only way the stall ends.
    /// </summary>
    public static Func<FakeRequest, HttpContext, Task> StallingStream(TaskCompletionSource? stalled = null, TaskCompletionSource? clientLeft = null) =>
        async (request, context) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await WriteEventAsync(context, Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "Partial " }).ToJsonString()).ConfigureAwait(false);
            await WriteEventAsync(context, Chunk(new JsonObject { ["content"] = "answer " }).ToJsonString()).ConfigureAwait(false);
            stalled?.TrySetResult();
            await WaitForTheClientToLeaveAsync(context, clientLeft).ConfigureAwait(false);
        };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var headers = context.Request.Headers.ToDictionary(static h => h.Key, static h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        FakeRequest request;
        lock (_gate)
        {
            request = new FakeRequest(_requests.Count, context.Request.Method, context.Request.Path.Value ?? string.Empty, headers, body);
            if (_record)
            {
                _requests.Add(request);
            }
        }

        var step = _script.TryDequeue(out var scripted) ? scripted : DefaultAsync;
        await step(request, context).ConfigureAwait(false);
    }

    private static async Task WaitForTheClientToLeaveAsync(HttpContext context, TaskCompletionSource? clientLeft)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away: what the test waits for.
            clientLeft?.TrySetResult();
        }
    }

    private static JsonObject Usage(int prompt, int completion, int cached) => new()
    {
        ["prompt_tokens"] = prompt,
        ["completion_tokens"] = completion,
        ["total_tokens"] = prompt + completion,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached },
        ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
    };

    private static JsonObject Chunk(JsonObject delta, string? finishReason = null) => new()
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_764_547_200,
        ["model"] = "fake-model",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
    };

    private static IEnumerable<string> Pieces(string text)
    {
        // Split into about three pieces, as a server streams tokens.
        var size = Math.Max(1, (text.Length + 2) / 3);
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    private static async Task CompletionAsync(HttpContext context, JsonObject message, string finishReason, JsonObject usage)
    {
        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion",
            ["created"] = 1_764_547_200,
            ["model"] = "fake-model",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finishReason }),
            ["usage"] = usage,
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString()).ConfigureAwait(false);
    }

    private static async Task StreamAsync(HttpContext context, FakeRequest request, IEnumerable<JsonObject> chunks, JsonObject usage)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        foreach (var chunk in chunks)
        {
            await WriteEventAsync(context, chunk.ToJsonString()).ConfigureAwait(false);
        }

        if (request.Json?["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            var last = Chunk(new JsonObject());
            last["choices"] = new JsonArray();
            last["usage"] = usage;
            await WriteEventAsync(context, last.ToJsonString()).ConfigureAwait(false);
        }

        await WriteEventAsync(context, "[DONE]").ConfigureAwait(false);
    }

    private static async Task WriteEventAsync(HttpContext context, string data)
    {
        await context.Response.WriteAsync($"data: {data}\n\n").ConfigureAwait(false);
        await context.Response.Body.FlushAsync().ConfigureAwait(false);
    }

    private static async Task WriteEmbeddingsAsync(FakeRequest request, HttpContext context)
    {
        var input = request.Json?["input"];
        var texts = input is JsonArray array ? array.Select(static n => n?.GetValue<string>() ?? string.Empty).ToList() : [input?.GetValue<string>() ?? string.Empty];
        var data = new JsonArray();
        for (var i = 0; i < texts.Count; i++)
        {
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = new JsonArray([.. Vector(texts[i]).Select(static v => (JsonNode)v)]) });
        }

        var tokens = texts.Sum(static t => t.Split(' ').Length);
        var response = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = request.Json?["model"]?.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>The fake's embedding of a text: 8 dimensions from its characters, deterministic.</summary>
    public static float[] Vector(string text)
    {
        var v = new float[8];
        foreach (var c in text)
        {
            v[c % 8] += 1;
        }

        return v;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string message, string type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = null } };
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }
}

/// <summary>One request the fake server received.</summary>
public sealed record FakeRequest(int Index, string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    private JsonNode? _json;

    /// <summary>The body as JSON (null when it is not JSON).</summary>
    public JsonNode? Json
    {
        get
        {
            if (_json is null && Body.Length > 0)
            {
                try
                {
                    _json = JsonNode.Parse(Body);
                }
                catch (JsonException)
                {
                    return null;
                }
            }

            return _json;
        }
    }

    /// <summary>Whether the request asked for a streamed answer.</summary>
    public bool Stream => Json?["stream"]?.GetValue<bool>() == true;

    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The request's messages as (role, content text).</summary>
    public IReadOnlyList<(string Role, string? Content)> Messages =>
        Json?["messages"]?.AsArray().Select(static m => (m!["role"]!.GetValue<string>(), Text(m["content"]))).ToList() ?? [];

    private static string? Text(JsonNode? content) => content switch
    {
        null => null,
        JsonValue v => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(static p => p?["text"]?.GetValue<string>())),
        _ => content.ToJsonString(),
    };
}

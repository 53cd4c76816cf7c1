using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consumers;

/// <summary>
/// A fake OpenAI-compatible server on 127.0.0.1 and a port the system picks (Kestrel, in this process): it answers
/// <c>POST /v1/chat/completions</c> (not streamed) with <see cref="Recall.Answer"/> over the messages it was sent, and
/// records what it saw. Nothing leaves the machine.
/// </summary>
internal sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _chatRequests;

    private FakeOpenAIServer(WebApplication app) => _app = app;

    /// <summary>The base address an OpenAI client takes as its endpoint: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Chat completions answered.</summary>
    public int ChatRequests => Volatile.Read(ref _chatRequests);

    /// <summary>The models requests named, in order.</summary>
    public ConcurrentQueue<string> Models { get; } = new();

    /// <summary>The Authorization headers requests carried, in order.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    /// <summary>Requests it could not answer, and why.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Starts the server.</summary>
    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(static o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/v1/chat/completions")
        {
            Errors.Enqueue($"unexpected request {context.Request.Method} {context.Request.Path}");
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = $"Unknown path {context.Request.Path}", ["type"] = "invalid_request_error" } }).ConfigureAwait(false);
            return;
        }

        var request = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false);
        var model = request?["model"]?.GetValue<string>() ?? string.Empty;
        Models.Enqueue(model);
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        if (request?["stream"]?.GetValue<bool>() == true)
        {
            Errors.Enqueue("a streamed completion was asked for; this fake answers whole completions only");
        }

        var window = (request?["messages"]?.AsArray() ?? []).Select(static m => (m!["role"]!.GetValue<string>(), Text(m["content"]))).ToList();
        var text = Recall.Answer(window, "fake-openai", 200);
        var promptTokens = window.Sum(static m => (m.Item2.Length / 4) + 4);
        Interlocked.Increment(ref _chatRequests);
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["id"] = "chatcmpl-consumer",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = text.Length / 4, ["total_tokens"] = promptTokens + (text.Length / 4) },
        }).ConfigureAwait(false);
    }

    // A message's content: a string, or an array of parts whose text parts are joined.
    private static string Text(JsonNode? content) => content switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(static p => p?["text"]?.GetValue<string>() ?? string.Empty)),
        _ => string.Empty,
    };
}

using System.Text;
using FiniteMemory.Fakes;
using FiniteMemory.Http;
using FiniteMemory.OpenAI.Tests.Support;
using FiniteMemory.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI.Tests;

/// <summary>
/// Hostile servers through the OpenAI SDK path: error bodies the SDK sees are already cut (decompressed bytes
/// counted), answers stop at max-response-bytes and at the requested token limit, and once the headers are in,
/// every event must arrive within the timeout whatever trickles in meanwhile.
/// </summary>
public class BoundsTests
{
    private static readonly List<ChatMessage> Question = [new(ChatRole.User, "Status?")];

    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private static string Delta(string text) =>
        $$"""data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}]}""" + "\n\n";

    private static Func<FakeRequest, HttpContext, Task> GzipBomb() =>
        static async (_, context) =>
        {
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = "gzip";
            await HostileBodies.WriteGzipBombAsync(context.Response.Body, 256, context.RequestAborted);
        };

    private static Func<FakeRequest, HttpContext, Task> Endless(TaskCompletionSource<long> sent) =>
        async (_, context) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            sent.TrySetResult(await HostileBodies.WriteRepeatedAsync(context.Response.Body, Encoding.UTF8.GetBytes(Delta("more words ")), long.MaxValue, context.RequestAborted));
        };

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(IChatClient client, ChatOptions? options, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question, options, cancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    [NotInParallel] // The allocation count is process-wide: another test's allocations must not be counted.
    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task A_gzip_bomb_error_body_costs_no_more_than_its_first_kilobytes_on_every_attempt(bool streaming)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            server.Enqueue(GzipBomb());
        }

        using var client = Clients.Chat(server, s => s.MaxRetries = 2);
        using var guard = new CancellationTokenSource(HangGuard);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = streaming
            ? await Assert.ThrowsAsync<BackendHttpException>(() => ReadAllAsync(client, null, guard.Token))
            : await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question, cancellationToken: guard.Token));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        await Assert.That(error!.StatusCode).IsEqualTo(500);
        await Assert.That(server.ChatRequests.Count).IsEqualTo(3);

        // Three attempts of 256 MB each once inflated; buffered whole, they cost gigabytes.
        await Assert.That(allocated).IsLessThan(64L * 1024 * 1024);
    }

    [Test]
    public async Task An_endless_stream_of_valid_deltas_stops_at_max_response_bytes()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var sent = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(Endless(sent));
        using var client = Clients.Chat(server, s => s.MaxResponseBytes = 1024 * 1024);
        using var guard = new CancellationTokenSource(HangGuard);

        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(() => ReadAllAsync(client, null, guard.Token));
        var bytes = await sent.Task.WaitAsync(HangGuard);

        await Assert.That(error!.Limit).IsEqualTo(1024 * 1024);
        await Assert.That(error.Message).Contains("max-response-bytes");
        await Assert.That(bytes).IsLessThan(32L * 1024 * 1024);
    }

    [Test]
    public async Task An_endless_stream_of_valid_deltas_stops_soon_after_max_output_tokens()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var sent = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(Endless(sent));
        using var client = Clients.Chat(server);
        using var guard = new CancellationTokenSource(HangGuard);

        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(() => ReadAllAsync(client, new ChatOptions { MaxOutputTokens = 50 }, guard.Token));
        await sent.Task.WaitAsync(HangGuard);

        await Assert.That(error!.Limit).IsEqualTo(50);
        await Assert.That(error.Message).Contains("50 output tokens");
        await Assert.That(error.Message).Contains("fmem --max-tokens");
    }

    [Test]
    public async Task A_non_streamed_answer_far_past_max_output_tokens_is_refused()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Reply = static _ => string.Concat(Enumerable.Repeat("more words ", 1000));
        using var client = Clients.Chat(server);

        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(() => client.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 50 }));

        await Assert.That(error!.Message).Contains("50 output tokens");
    }

    [Test]
    [Arguments("silence")]
    [Arguments("keep-alive comments")]
    [Arguments("a drip of bytes")]
    public async Task After_the_headers_a_stream_without_an_event_for_the_timeout_fails_whatever_trickles_in(string trickle)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(async (_, context) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            var unit = trickle switch
            {
                "keep-alive comments" => ": keep-alive\n\n",
                "a drip of bytes" => "x",
                _ => null,
            };
            try
            {
                if (trickle == "a drip of bytes")
                {
                    await context.Response.WriteAsync("data: {\"id\":\"chatcmpl-x\",\"choices\":[{\"delta\":{\"content\":\"", context.RequestAborted);
                }

                while (!context.RequestAborted.IsCancellationRequested)
                {
                    if (unit is not null)
                    {
                        await context.Response.WriteAsync(unit, context.RequestAborted);
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                    }

                    await Task.Delay(100, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client gave up: what the test waits for.
            }
        });

        // With retries and long waits between them, the time a request may take before its headers is minutes;
        // once they are in, only the per-attempt timeout counts.
        using var client = Clients.Chat(server, s => s.Timeout = TimeSpan.FromSeconds(1), resilience: Clients.Fast with { MaxDelay = TimeSpan.FromMinutes(1) });
        using var guard = new CancellationTokenSource(HangGuard);

        var error = await Assert.ThrowsAsync<BackendStreamException>(() => ReadAllAsync(client, null, guard.Token));

        await Assert.That(error!.Message).Contains("sent no event for 1 s");
        await Assert.That(server.ChatRequests.Count).IsEqualTo(1);
    }
}

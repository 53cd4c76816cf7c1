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

    /// <summary>Turns a hang into a failure; nothing here waits on it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

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
        // About 27,500 tokens of prose (110 KB) for a request of 50.
        server.Reply = static _ => string.Concat(Enumerable.Repeat("more words ", 10_000));
        using var client = Clients.Chat(server);

        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(() => client.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 50 }));

        await Assert.That(error!.Message).Contains("50 output tokens");
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task An_honest_answer_of_long_whitespace_and_rule_tokens_within_max_output_tokens_is_kept(bool streaming)
    {
        // 100 tokens as a tokenizer cuts them: runs of spaces and newlines, ---- rules and deep indentation of 48
        // bytes each (4,800 bytes), what a model in JSON mode may honestly send until it reaches the limit.
        var text = string.Concat(Enumerable.Range(0, 100).Select(static i => (i % 4) switch
        {
            0 => new string(' ', 48),
            1 => new string('-', 48),
            2 => new string('\n', 48),
            _ => new string('\t', 48),
        }));
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Reply = _ => text;
        using var client = Clients.Chat(server);
        using var guard = new CancellationTokenSource(HangGuard);
        var options = new ChatOptions { MaxOutputTokens = 100 };

        var answer = streaming
            ? string.Concat((await ReadAllAsync(client, options, guard.Token)).Select(static u => u.Text))
            : (await client.GetResponseAsync(Question, options, guard.Token)).Text;

        await Assert.That(answer).IsEqualTo(text);
    }

    [Test]
    public async Task A_stream_of_20_MB_of_events_is_read_whole_under_the_default_max_response_bytes()
    {
        // About 70,000 events of 300 bytes, as OpenAI streams a long answer: the earlier 16 MB default cut it off.
        var padding = new string('p', 150);
        var unit = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(
            $$"""data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1,"model":"gpt-test","system_fingerprint":"fp_{{padding}}","choices":[{"index":0,"delta":{"content":"w "},"finish_reason":null}]}""" + "\n\n",
            100)));
        const long Total = 20L * 1024 * 1024;
        await using var server = await FakeOpenAIServer.StartAsync(record: false);
        server.Enqueue(async (_, context) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await HostileBodies.WriteRepeatedAsync(context.Response.Body, unit, Total, context.RequestAborted);
            await context.Response.WriteAsync(
                """data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\ndata: [DONE]\n\n",
                context.RequestAborted);
        });
        using var client = Clients.Chat(server);
        using var guard = new CancellationTokenSource(HangGuard);

        long characters = 0;
        ChatFinishReason? finish = null;
        await foreach (var update in client.GetStreamingResponseAsync(Question, cancellationToken: guard.Token))
        {
            characters += update.Text.Length;
            finish ??= update.FinishReason;
        }

        var events = (Total + unit.Length - 1) / unit.Length * 100;
        await Assert.That(Clients.Fast.MaxResponseBytes).IsEqualTo(ResilienceOptions.DefaultMaxResponseBytes);
        await Assert.That(characters).IsEqualTo(events * 2);
        await Assert.That(finish).IsEqualTo(ChatFinishReason.Stop);
    }

    [Test]
    [Arguments("unset")]
    [Arguments("settings")]
    [Arguments("options")]
    public async Task An_embeddings_bound_is_raised_only_when_nobody_chose_one(string chosenBy)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var settings = new OpenAIChatClientOptions { Endpoint = server.BaseUrl, ApiKey = Clients.Key };
        if (chosenBy == "settings")
        {
            settings.MaxResponseBytes = ResilienceOptions.DefaultMaxResponseBytes;
        }

        // Explicitly chosen, even when equal to the chat default, a bound is kept.
        var options = chosenBy == "options" ? ResilienceOptions.Default with { MaxResponseBytes = ResilienceOptions.DefaultMaxResponseBytes } : null;
        using var embedder = OpenAIBackends.CreateEmbeddingGenerator(settings, options);

        var bound = ((OpenAIEmbeddingGenerator)embedder).Resilience.MaxResponseBytes;

        await Assert.That(bound).IsEqualTo(chosenBy == "unset" ? OpenAIBackends.EmbeddingMaxResponseBytes : ResilienceOptions.DefaultMaxResponseBytes);
    }

    [Test]
    public async Task An_explicit_max_response_bytes_for_embeddings_is_enforced()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var vector = string.Join(",", Enumerable.Repeat("0.0123456789", 200_000));
        server.Enqueue(async (_, context) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                $$$"""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[{{{vector}}}]}],"model":"embed-test","usage":{"prompt_tokens":1,"total_tokens":1}}""",
                context.RequestAborted);
        });
        using var embedder = OpenAIBackends.CreateEmbeddingGenerator(new OpenAIChatClientOptions { Endpoint = server.BaseUrl, ApiKey = Clients.Key, MaxResponseBytes = 1024 * 1024, MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(() => embedder.GenerateAsync(["hello"]));

        await Assert.That(error!.Limit).IsEqualTo(1024 * 1024);
        await Assert.That(error.Message).Contains("max-response-bytes");
    }

    [Test]
    [Arguments("silence")]
    [Arguments("keep-alive comments")]
    [Arguments("a drip of bytes")]
    public async Task After_the_headers_a_stream_without_an_event_for_the_timeout_fails_whatever_trickles_in(string trickle)
    {
        // After the headers the server sends only the trickle, one piece each time the test asks. The timeouts run on
        // a fake clock: once the client has the headers (its wait for events armed, a second timer of the 300 s
        // timeout after the attempt's own), the test moves the clock 100 s at a time with a piece sent before each
        // step. The pieces must not restart the wait, so the third step ends it. With retries and long waits between
        // them, the time a request may take before its headers is 50 minutes; once they are in, only the timeout counts.
        var timeout = TimeSpan.FromMinutes(5);
        var clock = Clients.Clock();
        var unit = trickle switch
        {
            "keep-alive comments" => ": keep-alive\n\n",
            "a drip of bytes" => "x",
            _ => null,
        };
        using var ask = new SemaphoreSlim(0);
        using var sent = new SemaphoreSlim(0);
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(async (_, context) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                if (trickle == "a drip of bytes")
                {
                    await context.Response.WriteAsync("data: {\"id\":\"chatcmpl-x\",\"choices\":[{\"delta\":{\"content\":\"", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }

                while (true)
                {
                    await ask.WaitAsync(context.RequestAborted);
                    if (unit is not null)
                    {
                        await context.Response.WriteAsync(unit, context.RequestAborted);
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                    }

                    sent.Release();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client gave up: what the test waits for.
            }
        });
        using var client = Clients.Chat(server, s => s.Timeout = timeout, resilience: Clients.Fast with { MaxDelay = TimeSpan.FromMinutes(10), TimeProvider = clock });

        var call = ReadAllAsync(client, null, CancellationToken.None);
        await clock.WaitForTimersAsync(timeout, 2, HangGuard);
        for (var step = 1; step <= 3; step++)
        {
            await Assert.That(call.IsCompleted).IsFalse();
            ask.Release();
            await Assert.That(await sent.WaitAsync(HangGuard)).IsTrue();
            clock.Advance(TimeSpan.FromSeconds(100));
        }

        var error = await Assert.ThrowsAsync<BackendStreamException>(() => call.WaitAsync(HangGuard));

        await Assert.That(error!.Message).Contains("sent no event for 300 s");
        await Assert.That(server.ChatRequests.Count).IsEqualTo(1);
    }
}

using System.Text;
using FiniteMemory.Http.Anthropic;
using FiniteMemory.Http.Tests.Fakes;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;
using static FiniteMemory.Http.Tests.Support.Conversations;

namespace FiniteMemory.Http.Tests.Resilience;

/// <summary>
/// Hostile bodies cost bounded memory: error bodies are read only as far as an error document goes (decompressed
/// bytes counted, on every attempt), answers up to max-response-bytes, output up to the requested token limit.
/// </summary>
public class ResponseBoundsTests
{
    private static readonly List<ChatMessage> Question = [new(ChatRole.User, "Weather?")];

    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static AnthropicChatClient Client(FakeServer server, int maxRetries = 0, long? maxResponseBytes = null) => new(new AnthropicChatClientOptions
    {
        Model = "claude-test-1",
        Endpoint = server.BaseAddress,
        ApiKey = Key,
        Timeout = HangGuard, // no test here waits for it
        MaxRetries = maxRetries,
        RetryDelay = QuickRetry,
        MaxResponseBytes = maxResponseBytes,
    });

    [Test]
    [NotInParallel] // The allocation count is process-wide: another test's allocations must not be counted.
    public async Task AGzipBombErrorBodyIsReadOnlyAsFarAsAnErrorDocumentOnEveryAttempt()
    {
        await using var server = await FakeServer.StartAsync();
        server.Otherwise = _ => FakeResponse.Streamed(500, "application/json", static (body, ct) => HostileBodies.WriteGzipBombAsync(body, 256, ct))
            .WithHeader("Content-Encoding", "gzip");
        using var client = Client(server, maxRetries: 2);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question).WaitAsync(HangGuard));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        await Assert.That(error!.StatusCode).IsEqualTo(500);
        await Assert.That(server.Requests.Count).IsEqualTo(3);

        // Three attempts of 256 MB each once inflated; read whole, they cost gigabytes.
        await Assert.That(allocated).IsLessThan(64L * 1024 * 1024);
    }

    [Test]
    [NotInParallel] // The allocation count is process-wide: another test's allocations must not be counted.
    public async Task AHugePlainErrorBodyIsNotReadPastItsStart()
    {
        var unit = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
        await using var server = await FakeServer.StartAsync(FakeResponse.Streamed(500, "text/plain", (body, ct) =>
            HostileBodies.WriteRepeatedAsync(body, unit, 256L * 1024 * 1024, ct)));
        using var client = Client(server);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question).WaitAsync(HangGuard));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        await Assert.That(error!.StatusCode).IsEqualTo(500);
        await Assert.That(error.Message).StartsWith("Anthropic returned 500");

        // The client's side, not the server's: Kestrel accepts and discards writes after the client hangs up until it
        // notices, so the bytes the server "sent" say nothing under load. Read whole, the body would cost 256 MB
        // (512 MB as a string) per attempt; its first 64 KB per attempt cost a few.
        await Assert.That(allocated).IsLessThan(64L * 1024 * 1024);
    }

    [Test]
    public async Task AnEndlessStreamOfEventsStopsAtMaxResponseBytesWithAnErrorNamingTheSetting()
    {
        var sent = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = SseEvent.Named("message_start", """{"type":"message_start","message":{"id":"msg_s","model":"claude-test-1","usage":{"input_tokens":1}}}""").ToWire();
        var ping = Encoding.UTF8.GetBytes(SseEvent.Named("ping", """{"type": "ping"}""").ToWire());
        await using var server = await FakeServer.StartAsync(FakeResponse.Streamed(200, "text/event-stream", async (body, ct) =>
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes(start), ct);
            sent.TrySetResult(await HostileBodies.WriteRepeatedAsync(body, ping, long.MaxValue, ct));
        }));
        using var client = Client(server, maxResponseBytes: 1024 * 1024);
        using var guard = new CancellationTokenSource(HangGuard);

        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question, cancellationToken: guard.Token))
            {
                _ = update;
            }
        });
        var bytes = await sent.Task.WaitAsync(HangGuard);

        await Assert.That(error!.Limit).IsEqualTo(1024 * 1024);
        await Assert.That(error.Message).Contains("larger than 1,048,576 bytes");
        await Assert.That(error.Message).Contains("max-response-bytes");
        await Assert.That(bytes).IsLessThan(32L * 1024 * 1024);
    }

    [Test]
    public async Task ANonStreamedAnswerLargerThanMaxResponseBytesIsRefusedWithoutRetrying()
    {
        var text = new string('a', 2 * 1024 * 1024);
        await using var server = await FakeServer.StartAsync();
        server.Otherwise = _ => FakeResponse.Json($$"""{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"{{text}}"}],"stop_reason":"end_turn"}""");
        using var client = Client(server, maxRetries: 2, maxResponseBytes: 1024 * 1024);

        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(() => client.GetResponseAsync(Question).WaitAsync(HangGuard));

        await Assert.That(error!.Message).Contains("max-response-bytes");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task AStreamedAnswerFarPastMaxOutputTokensIsStoppedWithAnErrorNamingTheLimit()
    {
        var sent = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = SseEvent.Named("message_start", """{"type":"message_start","message":{"id":"msg_s","model":"claude-test-1","usage":{"input_tokens":1}}}""").ToWire()
            + SseEvent.Named("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""").ToWire();
        var delta = Encoding.UTF8.GetBytes(SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"more words "}}""").ToWire());
        await using var server = await FakeServer.StartAsync(FakeResponse.Streamed(200, "text/event-stream", async (body, ct) =>
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes(start), ct);
            sent.TrySetResult(await HostileBodies.WriteRepeatedAsync(body, delta, long.MaxValue, ct));
        }));
        using var client = Client(server);
        using var guard = new CancellationTokenSource(HangGuard);

        var received = new StringBuilder();
        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question, new ChatOptions { MaxOutputTokens = 100 }, guard.Token))
            {
                received.Append(update.Text);
            }
        });
        await sent.Task.WaitAsync(HangGuard);

        await Assert.That(error!.Limit).IsEqualTo(100);
        await Assert.That(error.Message).Contains("100 output tokens");
        await Assert.That(error.Message).Contains("ChatOptions.MaxOutputTokens (fmem --max-tokens)");
        await Assert.That(received.Length).IsLessThanOrEqualTo((100 * OutputLimit.BytesPerToken) + OutputLimit.SlackBytes);
    }

    [Test]
    public async Task ANonStreamedAnswerFarPastMaxOutputTokensIsRefused()
    {
        // About 27,500 tokens of prose (110 KB) for a request of 100.
        var text = string.Concat(Enumerable.Repeat("more words ", 10_000));
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json($$"""{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"{{text}}"}],"stop_reason":"end_turn"}"""));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<BackendResponseTooLargeException>(() => client.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 100 }));

        await Assert.That(error!.Limit).IsEqualTo(100);
        await Assert.That(error.Message).Contains("100 output tokens");
    }

    [Test]
    public async Task AnAnswerWithinMaxOutputTokensIsKept()
    {
        var text = string.Concat(Enumerable.Repeat("word ", 100));
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json($$"""{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"{{text}}"}],"stop_reason":"max_tokens"}"""));
        using var client = Client(server);

        var response = await client.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 100 });

        await Assert.That(response.Text).IsEqualTo(text);
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.Length);
    }

    [Test]
    public async Task AnHonestAnswerOfLongWhitespaceAndRuleTokensWithinMaxOutputTokensIsKept()
    {
        // 100 tokens as a tokenizer cuts them: runs of spaces, ---- and ==== rules of 48 bytes each, 4,800 bytes in
        // all, what a model in JSON mode or drawing a table may honestly send when told to stop at 100 tokens.
        var text = string.Concat(Enumerable.Range(0, 100).Select(static i => new string((i % 3) switch { 0 => ' ', 1 => '-', _ => '=' }, 48)));
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json($$"""{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"{{text}}"}],"stop_reason":"max_tokens"}"""));
        using var client = Client(server);

        var response = await client.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 100 });

        await Assert.That(response.Text).IsEqualTo(text);
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.Length);
    }

    [Test]
    [Arguments(": keep-alive\n\n")]
    [Arguments("x")]
    public async Task AfterTheHeadersKeepAliveCommentsOrADripOfBytesDoNotKeepAStreamAlive(string trickle)
    {
        // After one text event the server sends only the trickle, one piece each time the test asks. The 300 s timeout
        // runs on a fake clock that the test moves 100 s at a time while the client waits for the next event, with a
        // piece sent before each step: the pieces must not restart the wait, so the third step ends it.
        var clock = new ObservedTimeProvider();
        var start = SseEvent.Named("message_start", """{"type":"message_start","message":{"id":"msg_s","model":"claude-test-1","usage":{"input_tokens":1}}}""").ToWire()
            + SseEvent.Named("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""").ToWire()
            + SseEvent.Named("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}""").ToWire();
        var unit = Encoding.UTF8.GetBytes(trickle);
        using var ask = new SemaphoreSlim(0);
        using var sent = new SemaphoreSlim(0);
        await using var server = await FakeServer.StartAsync(FakeResponse.Streamed(200, "text/event-stream", async (body, ct) =>
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes(start + (trickle == "x" ? "data: {\"type\":\"ping" : string.Empty)), ct);
            await body.FlushAsync(ct);
            while (true)
            {
                await ask.WaitAsync(ct);
                await body.WriteAsync(unit, ct);
                await body.FlushAsync(ct);
                sent.Release();
            }
        }));
        using var client = new AnthropicChatClient(new AnthropicChatClientOptions { Model = "claude-test-1", Endpoint = server.BaseAddress, ApiKey = Key, Timeout = TimeSpan.FromMinutes(5), MaxRetries = 0 }, handler: null, clock);
        BackendStreamException? error;
        var stream = client.GetStreamingResponseAsync(Question).GetAsyncEnumerator();
        await using (stream)
        {
            await Assert.That(await stream.MoveNextAsync().AsTask().WaitAsync(HangGuard)).IsTrue();
            await Assert.That(stream.Current.Text).IsEqualTo("Hi");

            var next = stream.MoveNextAsync().AsTask();
            for (var step = 1; step <= 3; step++)
            {
                await Assert.That(next.IsCompleted).IsFalse();
                ask.Release();
                await Assert.That(await sent.WaitAsync(HangGuard)).IsTrue();
                clock.Advance(TimeSpan.FromSeconds(100));
            }

            error = await Assert.ThrowsAsync<BackendStreamException>(() => next.WaitAsync(HangGuard));
        }

        await Assert.That(error!.Message).Contains("no event arrived for 300 s");
    }

    [Test]
    public async Task AMaxResponseBytesBelowOneKilobyteIsRefusedNamingTheOption()
    {
        var settings = new AnthropicChatClientOptions { Model = "claude-test-1", ApiKey = Key, MaxResponseBytes = 10 };

        var error = Assert.Throws<FiniteMemory.Backends.BackendConfigurationException>(() => settings.ToResilienceOptions("anthropic"));

        await Assert.That(error!.Message).IsEqualTo("Backend 'anthropic': max-response-bytes must be between 1,024 and 2,147,483,590 bytes (default 64 MB).");
    }

    [Test]
    public async Task AMaxResponseBytesLargerThanAByteArrayHoldsIsRefusedNamingTheOption()
    {
        // A body is buffered in one array: a larger bound could not be enforced, and a longer body would be cut
        // silently instead of refused.
        var settings = new AnthropicChatClientOptions { Model = "claude-test-1", ApiKey = Key, MaxResponseBytes = Array.MaxLength };

        var error = Assert.Throws<FiniteMemory.Backends.BackendConfigurationException>(() => settings.ToResilienceOptions("anthropic"));
        var direct = Assert.Throws<ArgumentOutOfRangeException>(() => (ResilienceOptions.Default with { MaxResponseBytes = long.MaxValue }).Validate());

        await Assert.That(error!.Message).IsEqualTo("Backend 'anthropic': max-response-bytes must be between 1,024 and 2,147,483,590 bytes (default 64 MB).");
        await Assert.That(direct!.ParamName).IsEqualTo("MaxResponseBytes");
        await Assert.That(direct.Message).Contains("MaxResponseBytes must be between 1,024 and 2,147,483,590 bytes");
    }

    [Test]
    public async Task TheLargestAcceptedMaxResponseBytesStillLeavesRoomToProveABodyTooLong()
    {
        var settings = new AnthropicChatClientOptions { Model = "claude-test-1", ApiKey = Key, MaxResponseBytes = ResilienceOptions.MaxMaxResponseBytes };

        var options = settings.ToResilienceOptions("anthropic");
        options.Validate();

        await Assert.That(options.MaxResponseBytes + 1).IsEqualTo(Array.MaxLength);
    }

    [Test]
    public async Task TheDefaultMaxResponseBytesHoldsTheLongestStreamedOutputsOfCurrentModels()
    {
        // An OpenAI-style stream spends about 300 bytes of event per token; current models answer up to 128,000
        // tokens. The earlier 16 MB default stopped such a stream near 55,000.
        var options = new AnthropicChatClientOptions { Model = "claude-test-1", ApiKey = Key }.ToResilienceOptions("anthropic");

        await Assert.That(options.MaxResponseBytes).IsEqualTo(ResilienceOptions.DefaultMaxResponseBytes);
        await Assert.That(options.MaxResponseBytes).IsGreaterThanOrEqualTo(128_000L * 300 * 3 / 2);
    }
}

using System.Net;
using FiniteMemory.Fakes;
using FiniteMemory.Http;
using FiniteMemory.OpenAI.Tests.Support;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI.Tests;

/// <summary>Provider failures through the OpenAI path: retried when transient, clear when not, never leaking the key.</summary>
public class FaultTests
{
    private static readonly List<ChatMessage> Question = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Status?")];

    [Test]
    public async Task A_429_with_retry_after_is_retried_after_the_wait_the_server_asked_for()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Error(429, "Rate limit reached for requests", "requests", retryAfterSeconds: 1));
        var retries = new List<RetryAttempt>();
        using var client = Clients.Chat(server, resilience: Clients.Fast with { OnRetry = retries.Add });

        var response = await client.GetResponseAsync(Question).WaitAsync(TimeSpan.FromSeconds(60));

        await Assert.That(response.Text).IsEqualTo("Answer 1: noted.");
        await Assert.That(server.Requests.Count).IsEqualTo(2);

        // The wait the retry took is the server's Retry-After, not the 20 ms backoff (the clock is hosted-http's to test).
        await Assert.That(retries.Count).IsEqualTo(1);
        await Assert.That(retries[0].Delay).IsEqualTo(TimeSpan.FromSeconds(1));
        await Assert.That(retries[0].FromRetryAfter).IsTrue();
        await Assert.That(retries[0].StatusCode).IsEqualTo(HttpStatusCode.TooManyRequests);
        await Assert.That(server.Requests[1].Body).IsEqualTo(server.Requests[0].Body);
    }

    [Test]
    public async Task Two_500s_are_retried_and_the_third_attempt_answers()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Error(500, "The server had an error while processing your request.", "server_error"));
        server.Enqueue(FakeOpenAIServer.Error(500, "The server had an error while processing your request.", "server_error"));
        using var client = Clients.Chat(server);

        var response = await client.GetResponseAsync(Question);

        await Assert.That(response.Text).IsEqualTo("Answer 2: noted.");
        await Assert.That(server.Requests.Count).IsEqualTo(3);
    }

    [Test]
    public async Task A_streamed_request_is_retried_on_503_before_its_stream_starts()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Error(503, "overloaded", "server_error"));
        using var client = Clients.Chat(server);

        var text = string.Concat(await client.GetStreamingResponseAsync(Question).Select(u => u.Text).ToListAsync());

        await Assert.That(text).IsEqualTo("Answer 1: noted.");
        await Assert.That(server.Requests.Count).IsEqualTo(2);
    }

    [Test]
    public async Task A_401_is_not_retried_and_says_what_the_server_said_without_the_key()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        // OpenAI echoes (part of) a wrong key back; the error must not carry it.
        server.Enqueue(FakeOpenAIServer.Error(401, $"Incorrect API key provided: {Clients.Key}. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error"));
        using var client = Clients.Chat(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question));

        await Assert.That(server.Requests.Count).IsEqualTo(1);
        await Assert.That(error!.StatusCode).IsEqualTo(401);
        await Assert.That(error.Message).Contains("401");
        await Assert.That(error.Message).Contains("Incorrect API key provided");
        await Assert.That(error.Message).Contains("OPENAI_API_KEY");
        await Assert.That(error.ToString()).DoesNotContain(Clients.Key);
        await Assert.That(error.ProviderMessage ?? string.Empty).DoesNotContain(Clients.Key);
    }

    [Test]
    public async Task A_400_is_not_retried_and_carries_the_provider_message()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Error(400, "This model's maximum context length is 8192 tokens.", "invalid_request_error"));
        using var client = Clients.Chat(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question));

        await Assert.That(server.Requests.Count).IsEqualTo(1);
        await Assert.That(error!.StatusCode).IsEqualTo(400);
        await Assert.That(error.ProviderMessage).IsEqualTo("This model's maximum context length is 8192 tokens.");
    }

    [Test]
    public async Task A_malformed_json_answer_is_a_backend_error()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Malformed());
        using var client = Clients.Chat(server);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question));

        await Assert.That(error!.Message).Contains("not valid");
    }

    [Test]
    public async Task A_malformed_streamed_event_is_a_stream_error()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Malformed());
        using var client = Clients.Chat(server);

        await Assert.ThrowsAsync<BackendStreamException>(async () => await client.GetStreamingResponseAsync(Question).ToListAsync());
    }

    [Test]
    public async Task A_stream_cut_mid_event_is_an_error_and_memory_keeps_nothing_of_the_turn()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var backend = Clients.Chat(server);
        var session = new MemorySession(backend, new MemoryOptions { Budget = 2_000 });
        session.AddSystem("Be brief.");
        await session.ChatStreamingAsync("First question").ToListAsync();
        var before = session.Transcript.Select(e => e.Message.Text).ToList();

        server.Enqueue(FakeOpenAIServer.CutStream("This answer never finishes because the connection drops"));
        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in session.ChatStreamingAsync("Second question"))
            {
                seen.Add(update.Text);
            }
        });

        await Assert.That(server.Requests.Count).IsEqualTo(2);
        await Assert.That(string.Concat(seen)).StartsWith("This answer");
        await Assert.That(error!.Message).Contains("incomplete");
        await Assert.That(session.Transcript.Select(e => e.Message.Text).ToList()).IsEquivalentTo(before);
    }

    [Test]
    public async Task A_stream_cut_through_the_middleware_is_an_error_and_is_not_learned_from()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.CutStream("Half an answer"));
        using var client = new ChatClientBuilder(Clients.Chat(server)).UseFiniteMemory(2_000).Build();

        await Assert.ThrowsAsync<BackendStreamException>(async () => await client.GetStreamingResponseAsync(Question).ToListAsync());

        var memory = client.GetService<FiniteMemoryChatClient>()!;
        await Assert.That(memory.Stats.Turns).IsEqualTo(0);
        await Assert.That(memory.Calibration.Observations).IsEqualTo(0);
    }

    [Test]
    public async Task A_response_slower_than_the_timeout_fails_within_the_timeout()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var clientLeft = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The attempt timeout also covers connecting and Kestrel's handoff, so it is seconds (not milliseconds) to be
        // sure the request reaches the handler on a busy machine, yet far shorter than the server's wait.
        server.Enqueue(server.Slow(TimeSpan.FromSeconds(60), clientLeft));
        using var client = Clients.Impatient(server, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<BackendTimeoutException>(() => client.GetResponseAsync(Question).WaitAsync(TimeSpan.FromSeconds(90)));

        // The client gave up while the server's 60 s wait was still running.
        await Assert.That(await clientLeft.Task.WaitAsync(TimeSpan.FromSeconds(90))).IsTrue();
        await Assert.That(error!.Attempts).IsEqualTo(1);
        await Assert.That(error.Message).Contains("timeout", StringComparison.OrdinalIgnoreCase);
    }

    [Test]
    public async Task A_stream_that_goes_silent_for_longer_than_the_timeout_fails()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var clientLeft = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Seconds, not milliseconds: the timeout also covers connecting and the gaps between the first events, which a
        // busy machine can stretch; the server's stall is still far longer.
        server.Enqueue(FakeOpenAIServer.StallingStream(TimeSpan.FromSeconds(60), clientLeft: clientLeft));
        using var client = Clients.Impatient(server, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<BackendStreamException>(async () => await client.GetStreamingResponseAsync(Question).ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(90)));

        // The client gave up while the server's 60 s stall was still running.
        await Assert.That(await clientLeft.Task.WaitAsync(TimeSpan.FromSeconds(90))).IsTrue();
        await Assert.That(error!.Message).Contains("sent no event");
    }

    [Test]
    public async Task Cancelling_mid_stream_stops_the_request_and_surfaces_as_cancellation()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var stalled = new TaskCompletionSource();
        var clientLeft = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(FakeOpenAIServer.StallingStream(TimeSpan.FromSeconds(20), stalled, clientLeft));
        using var client = Clients.Chat(server);
        using var cts = new CancellationTokenSource();

        var read = new List<string>();
        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question, cancellationToken: cts.Token))
            {
                read.Add(update.Text);
                await stalled.Task;
                await cts.CancelAsync();
            }
        });

        // The request stopped while the server's 20 s stall was still running.
        await Assert.That(await clientLeft.Task.WaitAsync(TimeSpan.FromSeconds(60))).IsTrue();
        await Assert.That(string.Concat(read)).StartsWith("Partial");
    }
}

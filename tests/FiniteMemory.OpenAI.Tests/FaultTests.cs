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

    /// <summary>Turns a hang into a failure; nothing here waits on it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_429_with_retry_after_is_retried_after_the_wait_the_server_asked_for()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Error(429, "Rate limit reached for requests", "requests", retryAfterSeconds: 1));
        var retries = new List<RetryAttempt>();
        using var client = Clients.Chat(server, resilience: Clients.Fast with { OnRetry = retries.Add });

        var response = await client.GetResponseAsync(Question).WaitAsync(HangGuard);

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
    public async Task A_response_slower_than_the_timeout_fails_with_a_timeout_error_and_the_request_is_dropped()
    {
        // The server never answers and the timeout runs on a fake clock moved once the request is in: only the
        // timeout can end the call, and only the client going away can end the server's wait. The timeout is longer
        // than the hang guard, so a timeout on the real clock could not end the call either.
        await using var server = await FakeOpenAIServer.StartAsync();
        var clock = Clients.Clock();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientLeft = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(FakeOpenAIServer.Hang(arrived, clientLeft));
        using var client = Clients.Impatient(server, TimeSpan.FromMinutes(5), clock);

        var call = client.GetResponseAsync(Question);
        await arrived.Task.WaitAsync(HangGuard);
        clock.Advance(TimeSpan.FromMinutes(5));
        var error = await Assert.ThrowsAsync<BackendTimeoutException>(() => call.WaitAsync(HangGuard));

        await clientLeft.Task.WaitAsync(HangGuard);
        await Assert.That(error!.Attempts).IsEqualTo(1);
        await Assert.That(error.Message).Contains("timeout", StringComparison.OrdinalIgnoreCase);
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task A_stream_that_goes_silent_for_longer_than_the_timeout_fails()
    {
        // Two events, then silence until the client leaves. The timeout runs on a fake clock moved only once the
        // client has both events and waits for the next, so neither connecting nor the first events can use it up.
        await using var server = await FakeOpenAIServer.StartAsync();
        var clock = Clients.Clock();
        var clientLeft = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(FakeOpenAIServer.StallingStream(clientLeft: clientLeft));
        using var client = Clients.Impatient(server, TimeSpan.FromMinutes(5), clock);
        var text = string.Empty;
        BackendStreamException? error;
        var stream = client.GetStreamingResponseAsync(Question).GetAsyncEnumerator();
        await using (stream)
        {
            while (text != "Partial answer ")
            {
                await Assert.That(await stream.MoveNextAsync().AsTask().WaitAsync(HangGuard)).IsTrue();
                text += stream.Current.Text;
            }

            var next = stream.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromMinutes(5));
            error = await Assert.ThrowsAsync<BackendStreamException>(() => next.WaitAsync(HangGuard));
        }

        // The server's stall ends only when the client leaves.
        await clientLeft.Task.WaitAsync(HangGuard);
        await Assert.That(error!.Message).Contains("sent no event for 300 s");
    }

    [Test]
    public async Task Cancelling_mid_stream_stops_the_request_and_surfaces_as_cancellation()
    {
        // The server sends two events and then writes nothing more until the client leaves: its stall ends only when
        // the cancellation has closed the request, never by a timer of its own. The client's timers run on a fake
        // clock nobody moves, so nothing but the cancellation can end the stream either.
        await using var server = await FakeOpenAIServer.StartAsync();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientLeft = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(FakeOpenAIServer.StallingStream(stalled, clientLeft));
        using var client = Clients.Chat(server, resilience: Clients.Fast with { TimeProvider = Clients.Clock() });
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

        // The server saw the client leave while it still held the rest of the answer (the hang guard only turns a
        // request that cancellation failed to stop into a failure).
        await clientLeft.Task.WaitAsync(HangGuard);
        await Assert.That(string.Concat(read)).StartsWith("Partial");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }
}

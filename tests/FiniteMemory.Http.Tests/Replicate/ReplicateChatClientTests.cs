using FiniteMemory.Http.Replicate;
using FiniteMemory.Http.Tests.Fakes;
using FiniteMemory.Http.Tests.Support;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.Replicate;

/// <summary>The replicate backend against a loopback server speaking Replicate's predictions API: create, then poll or stream.</summary>
public class ReplicateChatClientTests
{
    /// <summary>Turns a hang into a failure; nothing here waits on it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private const string Llama3Conversation =
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nName a colour.<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\n";

    private static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "Be brief."),
        new(ChatRole.User, "Hi"),
        new(ChatRole.Assistant, "Hello!"),
        new(ChatRole.User, "Name a colour."),
    ];

    [Test]
    public async Task APredictionIsCreatedOnTheModelsEndpointWithTheConversationAsAPromptAndItsOutputJoined()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("succeeded", output: """["Te", "al", "."]""", metrics: true), 201));
        using var client = fake.Client(configure: s => s.Wait = 5);

        var response = await client.GetResponseAsync(
            Conversation(),
            new ChatOptions { MaxOutputTokens = 64, Temperature = 0.2f, TopP = 0.95f, TopK = 40, StopSequences = ["\n\n", "User:"], Seed = 7 });

        await Assert.That(response.Text).IsEqualTo("Teal.");
        await Assert.That(response.ResponseId).IsEqualTo(ReplicateFixture.Id);
        await Assert.That(response.ModelId).IsEqualTo("meta/meta-llama-3-8b-instruct");
        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(27);
        await Assert.That(response.Usage.OutputTokenCount).IsEqualTo(5);
        await Assert.That(response.Usage.TotalTokenCount).IsEqualTo(32);
        var request = fake.Server.Requests.Single();
        await Assert.That(request.Method).IsEqualTo("POST");
        await Assert.That(request.Path).IsEqualTo("/v1/models/meta/meta-llama-3-8b-instruct/predictions");
        await Assert.That(request.Header("Authorization")).IsEqualTo($"Bearer {ReplicateFixture.Key}");
        await Assert.That(request.Header("Prefer")).IsEqualTo("wait=5");
        var body = request.Json;
        await Assert.That(body.TryGetProperty("version", out _)).IsFalse();
        await Assert.That(body.TryGetProperty("stream", out _)).IsFalse();
        var input = body.GetProperty("input");
        await Assert.That(input.GetProperty("prompt").GetString()).IsEqualTo(Llama3Conversation);
        await Assert.That(input.GetProperty("system_prompt").GetString()).IsEqualTo("Be brief.");
        await Assert.That(input.GetProperty("prompt_template").GetString()).IsEqualTo(ReplicatePromptTemplate.Llama3.ModelPromptTemplate);
        await Assert.That(input.GetProperty("max_tokens").GetInt32()).IsEqualTo(64);
        await Assert.That(input.GetProperty("max_new_tokens").GetInt32()).IsEqualTo(64);
        await Assert.That(input.GetProperty("temperature").GetDouble()).IsEqualTo(0.2).Within(1e-6);
        await Assert.That(input.GetProperty("top_p").GetDouble()).IsEqualTo(0.95).Within(1e-6);
        await Assert.That(input.GetProperty("top_k").GetInt32()).IsEqualTo(40);
        await Assert.That(input.GetProperty("stop_sequences").GetString()).IsEqualTo("\n\n,User:");
        await Assert.That(input.GetProperty("seed").GetInt64()).IsEqualTo(7);
    }

    [Test]
    public async Task AVersionedModelIsCreatedOnThePredictionsEndpointWithItsVersion()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("succeeded", output: "\"Blue.\"")));
        using var client = fake.Client(model: "acme/tiny-llm:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa");

        var response = await client.GetResponseAsync("Name a colour.", new ChatOptions { AdditionalProperties = new() { ["min_tokens"] = 2 } });

        await Assert.That(response.Text).IsEqualTo("Blue.");
        await Assert.That(response.Usage).IsNull();
        var request = fake.Server.Requests.Single();
        await Assert.That(request.Path).IsEqualTo("/v1/predictions");
        await Assert.That(request.Header("Prefer")).IsNull();
        await Assert.That(request.Json.GetProperty("version").GetString()).IsEqualTo("5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa");
        await Assert.That(request.Json.GetProperty("input").GetProperty("min_tokens").GetInt32()).IsEqualTo(2);
    }

    [Test]
    public async Task APredictionIsPolledWithGrowingWaitsOnTheClockUntilItSucceeds()
    {
        var clock = new ObservedTimeProvider();
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting"), 201))
            .OnPoll(
                () => FakeResponse.Json(fake.Prediction("processing", output: """["Gre"]""")),
                () => FakeResponse.Json(fake.Prediction("processing", output: """["Gre", "en"]""")),
                () => FakeResponse.Json(fake.Prediction("succeeded", output: """["Gre", "en", "."]""", metrics: true)));
        using var client = fake.Client(time: clock, configure: s =>
        {
            s.PollInterval = TimeSpan.FromSeconds(0.5);
            s.MaxPollInterval = TimeSpan.FromSeconds(1);
        });

        var call = client.GetResponseAsync(Conversation());
        foreach (var wait in new[] { 0.5, 0.75, 1.0 })
        {
            await clock.WaitForTimerAsync(TimeSpan.FromSeconds(wait), HangGuard);
            clock.Advance(TimeSpan.FromSeconds(wait));
        }

        var response = await call.WaitAsync(HangGuard);

        await Assert.That(response.Text).IsEqualTo("Green.");
        await Assert.That(response.Usage!.OutputTokenCount).IsEqualTo(5);
        var requests = fake.Server.Requests;
        await Assert.That(requests.Count).IsEqualTo(4);
        await Assert.That(requests.Skip(1).All(r => r.Method == "GET" && r.Path == $"/v1/predictions/{ReplicateFixture.Id}")).IsTrue();
        await Assert.That(requests.Skip(1).All(r => r.Header("Authorization") == $"Bearer {ReplicateFixture.Key}")).IsTrue();
    }

    [Test]
    public async Task AFailedPredictionIsAnErrorCarryingReplicatesReason()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting"), 201))
            .OnPoll(() => FakeResponse.Json(fake.Prediction("failed", error: "\"CUDA out of memory\"")));
        using var client = fake.Client();

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(error!.Provider).IsEqualTo("Replicate");
        await Assert.That(error.Message).Contains(ReplicateFixture.Id);
        await Assert.That(error.Message).Contains("CUDA out of memory");
        await Assert.That(error.ProviderMessage).IsEqualTo("CUDA out of memory");
        await Assert.That(fake.Server.Requests.Any(r => r.Path.EndsWith("/cancel", StringComparison.Ordinal))).IsFalse();
    }

    [Test]
    public async Task APredictionCanceledOnReplicateIsAnError()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("canceled"), 201));
        using var client = fake.Client();

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(error!.Message).Contains("canceled");
    }

    [Test]
    public async Task APredictionThatOutlivesItsTimeoutIsCanceledOnReplicate()
    {
        // The prediction never leaves "starting". Polls, the prediction timeout and the cancel call's own timeout run
        // on a fake clock the test moves one poll wait at a time: after two polls the next wait would pass 2.5 s.
        var clock = new ObservedTimeProvider();
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting"), 201));
        fake.LastPoll = () => FakeResponse.Json(fake.Prediction("starting"));
        using var client = fake.Client(time: clock, configure: s =>
        {
            s.PollInterval = TimeSpan.FromSeconds(1);
            s.MaxPollInterval = TimeSpan.FromSeconds(1);
            s.PredictionTimeout = TimeSpan.FromSeconds(2.5);
        });

        var call = client.GetResponseAsync("Hi");
        for (var poll = 1; poll <= 2; poll++)
        {
            await clock.WaitForTimersAsync(TimeSpan.FromSeconds(1), poll, HangGuard);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var error = await Assert.ThrowsAsync<BackendTimeoutException>(() => call.WaitAsync(HangGuard));

        await Assert.That(error!.Message).Contains("prediction-timeout");
        await Assert.That(fake.Server.Requests.Select(r => r.Method)).IsEquivalentTo(["POST", "GET", "GET", "POST"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(fake.Server.Requests[^1].Path).IsEqualTo($"/v1/predictions/{ReplicateFixture.Id}/cancel");
    }

    [Test]
    public async Task CancellingWhilePollingCancelsThePredictionOnReplicate()
    {
        // Polls (and the cancel call's own timeout) run on a fake clock: one poll, then the cancellation while the
        // client waits for the next.
        var clock = new ObservedTimeProvider();
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting"), 201));
        fake.LastPoll = () => FakeResponse.Json(fake.Prediction("processing"));
        using var client = fake.Client(time: clock);
        using var cts = new CancellationTokenSource();

        var call = client.GetResponseAsync("Hi", cancellationToken: cts.Token);
        await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(10), HangGuard);
        clock.Advance(TimeSpan.FromMilliseconds(10));
        await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(15), HangGuard);
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => call.WaitAsync(HangGuard));
        await Assert.That(fake.Server.Requests.Select(r => r.Method)).IsEquivalentTo(["POST", "GET", "POST"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(fake.Server.Requests[^1].Path).IsEqualTo($"/v1/predictions/{ReplicateFixture.Id}/cancel");
        await Assert.That(fake.Server.Requests[^1].Header("Authorization")).IsEqualTo($"Bearer {ReplicateFixture.Key}");
    }

    [Test]
    public async Task AStreamedPredictionYieldsItsOutputEventsThenItsUsage()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse(
            [
                SseEvent.Named("output", "Crim"),
                SseEvent.Named("output", "son"),
                SseEvent.Named("output", "."),
                SseEvent.Named("done", "{}"),
            ]))
            .OnPoll(() => FakeResponse.Json(fake.Prediction("succeeded", output: """["Crim","son","."]""", metrics: true)));
        using var client = fake.Client(configure: s => s.Wait = 5);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Conversation()))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        await Assert.That(updates.Where(u => u.Text.Length > 0).Select(u => u.Text)).IsEquivalentTo(new[] { "Crim", "son", "." }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(response.Text).IsEqualTo("Crimson.");
        await Assert.That(response.Usage!.InputTokenCount).IsEqualTo(27);
        await Assert.That(response.Usage.OutputTokenCount).IsEqualTo(5);
        await Assert.That(response.ResponseId).IsEqualTo(ReplicateFixture.Id);
        var requests = fake.Server.Requests;
        await Assert.That(requests.Select(r => $"{r.Method} {r.Path}")).IsEquivalentTo(
            new[] { "POST /v1/models/meta/meta-llama-3-8b-instruct/predictions", $"GET /stream/{ReplicateFixture.Id}", $"GET /v1/predictions/{ReplicateFixture.Id}" },
            TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(requests[0].Json.GetProperty("stream").GetBoolean()).IsTrue();
        await Assert.That(requests[0].Header("Prefer")).IsNull();
        await Assert.That(requests[1].Header("Accept")).IsEqualTo("text/event-stream");
    }

    [Test]
    public async Task AMultiLineOutputEventKeepsItsLineBreaks()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([]).Chunk("event: output\ndata: 1. Tea\ndata: 2. Rice\n\n").Chunk("event: done\ndata: {}\n\n"));
        using var client = fake.Client(configure: s => s.StreamUsage = false);

        var text = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("List two things."))
        {
            text.Add(update.Text);
        }

        await Assert.That(string.Concat(text)).IsEqualTo("1. Tea\n2. Rice");
        await Assert.That(fake.Server.Requests.Count).IsEqualTo(2);
    }

    [Test]
    public async Task AStreamCutMidEventIsABrokenStreamErrorAndThePredictionIsCanceled()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([SseEvent.Named("output", "Cu")]).Chunk("event: outp").ThenCut());

        // A fake clock: the cancel call's own timeout cannot run out on a busy machine.
        using var client = fake.Client(time: new ObservedTimeProvider());

        await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi"))
            {
                _ = update;
            }
        });

        await Assert.That(fake.Server.Requests[^1].Path).IsEqualTo($"/v1/predictions/{ReplicateFixture.Id}/cancel");
    }

    [Test]
    public async Task AStreamThatEndsWithoutDoneIsAnErrorAndThePredictionIsCanceled()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([SseEvent.Named("output", "Half")]));

        // A fake clock: the cancel call's own timeout cannot run out on a busy machine.
        using var client = fake.Client(time: new ObservedTimeProvider());
        var received = new List<string>();

        var error = await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi"))
            {
                received.Add(update.Text);
            }
        });

        await Assert.That(string.Concat(received)).IsEqualTo("Half");
        await Assert.That(error!.Message).Contains("'done'");
        await Assert.That(fake.Server.Requests[^1].Path).IsEqualTo($"/v1/predictions/{ReplicateFixture.Id}/cancel");
    }

    [Test]
    public async Task AnErrorEventFailsTheStreamWithReplicatesMessage()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([SseEvent.Named("output", "Par"), SseEvent.Named("error", "Prediction interrupted; please retry (code: PA)")]));
        using var client = fake.Client();

        var error = await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi"))
            {
                _ = update;
            }
        });

        await Assert.That(error!.Message).Contains("Prediction interrupted");
    }

    [Test]
    public async Task ADoneEventWithReasonCanceledIsAnIncompleteStream()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([SseEvent.Named("output", "Par"), SseEvent.Named("done", """{"reason":"canceled"}""")]));
        using var client = fake.Client();

        var error = await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi"))
            {
                _ = update;
            }
        });

        await Assert.That(error!.Message).Contains("canceled");
        await Assert.That(error.Message).Contains("incomplete");
    }

    [Test]
    public async Task CancellingMidStreamCancelsThePredictionOnReplicate()
    {
        // The done event never comes; the clock (the cancel call's own timeout among its timers) is a fake one.
        var clock = new ObservedTimeProvider();
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([SseEvent.Named("output", "Slow")]).Chunk("event: done\ndata: {}\n\n", FakeResponse.Never));
        using var client = fake.Client(time: clock);
        using var cts = new CancellationTokenSource();
        var received = new List<string>();

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: cts.Token))
            {
                received.Add(update.Text);
                await cts.CancelAsync();
            }
        });

        await Assert.That(string.Concat(received)).IsEqualTo("Slow");

        // The server waits for the client to hang up before the done event: the cancellation itself ended the stream.
        var stream = fake.Server.Requests.ToList().FindIndex(r => r.Method == "GET");
        await Assert.That(await fake.Server.FateOf(stream).WaitAsync(HangGuard)).IsEqualTo(new ResponseFate(Delivered: false, ChunksWritten: 1));
        await Assert.That(fake.Server.Requests[^1].Method).IsEqualTo("POST");
        await Assert.That(fake.Server.Requests[^1].Path).IsEqualTo($"/v1/predictions/{ReplicateFixture.Id}/cancel");
    }

    [Test]
    public async Task AStreamStillOpenWhenThePredictionTimeoutRunsOutIsATimeoutAndThePredictionIsCanceled()
    {
        // The done event never comes. The prediction timeout runs on a fake clock that moves only once the first
        // event is in and the client waits for the next, so a busy machine cannot use it up before.
        var clock = new ObservedTimeProvider();
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([SseEvent.Named("output", "Still")]).Chunk("event: done\ndata: {}\n\n", FakeResponse.Never));
        using var client = fake.Client(time: clock, configure: s => s.PredictionTimeout = TimeSpan.FromSeconds(5));
        BackendTimeoutException? error;
        var stream = client.GetStreamingResponseAsync("Hi").GetAsyncEnumerator();
        await using (stream)
        {
            await Assert.That(await stream.MoveNextAsync().AsTask().WaitAsync(HangGuard)).IsTrue();
            await Assert.That(stream.Current.Text).IsEqualTo("Still");

            var next = stream.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromSeconds(5));
            error = await Assert.ThrowsAsync<BackendTimeoutException>(() => next.WaitAsync(HangGuard));
        }

        await Assert.That(error!.Message).Contains("prediction-timeout");
        await Assert.That(fake.Server.Requests[^1].Path).IsEqualTo($"/v1/predictions/{ReplicateFixture.Id}/cancel");
    }

    [Test]
    public async Task AStreamSilentForLongerThanTheTimeoutIsStalledAndThePredictionIsCanceled()
    {
        // The done event never comes. The timeout (which also bounds creating the prediction) runs on a fake clock
        // that moves only once the client waits for the event after the first, so the stall cannot become a timeout;
        // it is longer than the hang guard, so only that clock can end the wait.
        var clock = new ObservedTimeProvider();
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([SseEvent.Named("output", "Then")]).Chunk("event: done\ndata: {}\n\n", FakeResponse.Never));
        using var client = fake.Client(time: clock, configure: s => s.Timeout = TimeSpan.FromMinutes(5));
        BackendStreamException? error;
        var stream = client.GetStreamingResponseAsync("Hi").GetAsyncEnumerator();
        await using (stream)
        {
            await Assert.That(await stream.MoveNextAsync().AsTask().WaitAsync(HangGuard)).IsTrue();
            await Assert.That(stream.Current.Text).IsEqualTo("Then");

            var next = stream.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromMinutes(5));
            error = await Assert.ThrowsAsync<BackendStreamException>(() => next.WaitAsync(HangGuard));
        }

        await Assert.That(error!.Message).Contains("stalled");
        await Assert.That(fake.Server.Requests[^1].Path).IsEqualTo($"/v1/predictions/{ReplicateFixture.Id}/cancel");
    }

    [Test]
    public async Task StoppingReadingAStreamEarlyCancelsThePrediction()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => FakeResponse.Sse([SseEvent.Named("output", "One"), SseEvent.Named("output", "Two")]).Chunk("event: done\ndata: {}\n\n", FakeResponse.Never));

        // A fake clock: the cancel call's own timeout cannot run out on a busy machine.
        using var client = fake.Client(time: new ObservedTimeProvider());

        await foreach (var update in client.GetStreamingResponseAsync("Hi"))
        {
            _ = update;
            break;
        }

        await Assert.That(fake.Server.Requests[^1].Path).IsEqualTo($"/v1/predictions/{ReplicateFixture.Id}/cancel");
    }

    [Test]
    public async Task AModelThatCannotStreamIsPolledAndItsAnswerArrivesAsOneUpdate()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: false), 201))
            .OnPoll(() => FakeResponse.Json(fake.Prediction("succeeded", output: "\"All at once.\"", metrics: true)));
        using var client = fake.Client();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Hi"))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        await Assert.That(response.Text).IsEqualTo("All at once.");
        await Assert.That(response.Usage!.OutputTokenCount).IsEqualTo(5);
    }

    [Test]
    public async Task A429WithRetryAfterOnTheCreateCallIsRetriedAndThenSucceeds()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        var creates = 0;
        fake.OnCreate(() => Interlocked.Increment(ref creates) == 1
            ? FakeResponse.Json("""{"title":"Too Many Requests","detail":"Request was throttled. Expected available in 1 second.","status":429}""", 429).WithHeader("Retry-After", "1")
            : FakeResponse.Json(fake.Prediction("succeeded", output: """["ok"]""")));
        var clock = new ObservedTimeProvider();
        using var client = fake.Client(time: clock);

        // The retry waits the second Replicate asked for on the client's clock, not the 10 ms retry delay.
        var call = client.GetResponseAsync("Hi");
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(1), HangGuard);
        clock.Advance(TimeSpan.FromSeconds(0.99));
        await Task.Delay(100);
        await Assert.That(creates).IsEqualTo(1);
        await Assert.That(call.IsCompleted).IsFalse();

        clock.Advance(TimeSpan.FromSeconds(0.01));
        var response = await call.WaitAsync(HangGuard);

        await Assert.That(response.Text).IsEqualTo("ok");
        await Assert.That(creates).IsEqualTo(2);
        var requests = fake.Server.Requests;
        await Assert.That(requests[1].Body).IsEqualTo(requests[0].Body);
    }

    [Test]
    public async Task A401IsNotRetriedAndNamesTheTokenVariableButNeverTheToken()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json($$"""{"title":"Unauthenticated","detail":"Invalid token {{ReplicateFixture.Key}}","status":401}""", 401));
        using var client = fake.Client();

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(fake.Server.Requests.Count).IsEqualTo(1);
        await Assert.That(error!.StatusCode).IsEqualTo(401);
        await Assert.That(error.Message).Contains("REPLICATE_API_TOKEN");
        await Assert.That(error.Message).Contains("Invalid token");
        await Assert.That(error.Message).DoesNotContain(ReplicateFixture.Key);
    }

    [Test]
    public async Task MalformedJsonFromTheCreateCallIsAClearError()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Text("""{"id":"x","status":""", 201, "application/json"));
        using var client = fake.Client();

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(error!.Message).Contains("Replicate");
        await Assert.That(error.Message).Contains("not valid JSON");
    }

    [Test]
    public async Task APredictionWhoseUrlsAreNotHttpIsAClearError()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json("""{"id":"p1","status":"starting","urls":{"get":"file:///etc/passwd","cancel":"not a url"}}""", 201));
        using var client = fake.Client();

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(error!.Message).Contains("'get' URL is not an absolute http(s) URL");
        await Assert.That(fake.Server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task APredictionUrlOnAnotherHostNeverGetsTheToken()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json("""{"id":"p1","status":"starting","urls":{"get":"http://collector.example/v1/predictions/p1"}}""", 201));
        using var client = fake.Client();

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("Hi"));

        await Assert.That(error!.Message).Contains("the API token is not sent there");
    }

    [Test]
    public async Task ToolsAreRefusedWithAClearError()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        using var client = fake.Client();
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("lookup", "Looks up.", System.Text.Json.JsonDocument.Parse("{}").RootElement)] };

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync("Hi", options));

        await Assert.That(error!.Message).Contains("not tools");
        await Assert.That(fake.Server.Requests.Count).IsEqualTo(0);
    }
}

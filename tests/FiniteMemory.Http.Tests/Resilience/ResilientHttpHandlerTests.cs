using TUnit.Assertions.Enums;
using System.Net;
using System.Text;
using FiniteMemory.Http.Tests.Fakes;

namespace FiniteMemory.Http.Tests.Resilience;

public class ResilientHttpHandlerTests
{
    private const string Ok = """{"ok":true}""";

    [Test]
    public async Task A429IsRetriedOnlyAfterTheRetryAfterWaitHasPassedOnTheClock()
    {
        var clock = new ObservedTimeProvider();
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json("""{"error":{"message":"slow down"}}""", 429).WithHeader("Retry-After", "7"),
            FakeResponse.Json(Ok));
        using var http = BackendHttp.CreateClient("Test", Fast.Options() with { TimeProvider = clock, MaxDelay = TimeSpan.FromSeconds(30) });

        var call = http.GetAsync(server.BaseAddress);
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(60));
        clock.Advance(TimeSpan.FromSeconds(6.9));
        await Task.Delay(100);
        await Assert.That(server.Requests.Count).IsEqualTo(1);
        await Assert.That(call.IsCompleted).IsFalse();

        clock.Advance(TimeSpan.FromSeconds(0.1));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(60));
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(await response.Content.ReadAsStringAsync()).IsEqualTo(Ok);
        await Assert.That(server.Requests.Count).IsEqualTo(2);
    }

    [Test]
    public async Task AnHttpDateRetryAfterIsMeasuredFromTheClock()
    {
        var clock = new ObservedTimeProvider();
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(12));

        await Assert.That(ResilientHttpHandler.RetryAfter(response, clock.GetUtcNow())).IsEqualTo(TimeSpan.FromSeconds(12));
        await Assert.That(ResilientHttpHandler.RetryAfter(response, clock.GetUtcNow().AddSeconds(20))).IsEqualTo(TimeSpan.Zero);
    }

    [Test]
    public async Task RetryAfterMillisecondsIsHonouredOnTheClock()
    {
        var clock = new ObservedTimeProvider();
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json("{}", 429).WithHeader("retry-after-ms", "300").WithHeader("Retry-After", "20"),
            FakeResponse.Json(Ok));
        var retries = new List<RetryAttempt>();
        using var http = BackendHttp.CreateClient("Test", Fast.Options() with { MaxDelay = TimeSpan.FromSeconds(30), OnRetry = retries.Add, TimeProvider = clock });

        var call = http.GetAsync(server.BaseAddress);
        await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(60));
        clock.Advance(TimeSpan.FromMilliseconds(299));
        await Task.Delay(100);
        await Assert.That(server.Requests.Count).IsEqualTo(1);
        await Assert.That(call.IsCompleted).IsFalse();

        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(60));

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(server.Requests.Count).IsEqualTo(2);
        await Assert.That(retries.Single().Delay).IsEqualTo(TimeSpan.FromMilliseconds(300));
        await Assert.That(retries.Single().FromRetryAfter).IsTrue();
        await Assert.That(retries.Single().StatusCode).IsEqualTo(HttpStatusCode.TooManyRequests);
    }

    [Test]
    public async Task ARetryAfterLongerThanMaxDelayIsCapped()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json("{}", 503).WithHeader("Retry-After", "3600"),
            FakeResponse.Json(Ok));
        var retries = new List<RetryAttempt>();
        using var http = BackendHttp.CreateClient("Test", Fast.Options() with { MaxDelay = TimeSpan.FromMilliseconds(50), OnRetry = retries.Add });

        using var response = await http.GetAsync(server.BaseAddress);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(retries.Single().Delay).IsEqualTo(TimeSpan.FromMilliseconds(50));
    }

    [Test]
    public async Task Two500sAreRetriedAndTheThirdAnswerIsReturned()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json("""{"error":{"message":"boom"}}""", 500),
            FakeResponse.Json("""{"error":{"message":"boom"}}""", 500),
            FakeResponse.Json(Ok));
        var retries = new List<RetryAttempt>();
        using var http = BackendHttp.CreateClient("Test", Fast.Options() with { OnRetry = retries.Add });

        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseAddress) { Content = new StringContent("""{"q":"same body"}""", Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(await response.Content.ReadAsStringAsync()).IsEqualTo(Ok);
        var requests = server.Requests;
        await Assert.That(requests.Count).IsEqualTo(3);
        await Assert.That(requests.Select(r => r.Body).Distinct().Single()).IsEqualTo("""{"q":"same body"}""");
        // Exponential backoff without jitter: 10 ms, then 20 ms.
        await Assert.That(retries.Select(r => r.Delay).ToArray()).IsEquivalentTo(new[] { TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20) }, CollectionOrdering.Matching);
    }

    [Test]
    public async Task JitterVariesTheWaitsWithinTheCap()
    {
        await using var server = await FakeServer.StartAsync();
        server.Otherwise = _ => FakeResponse.StatusOnly(502);
        var retries = new List<RetryAttempt>();
        using var http = BackendHttp.CreateClient("Test", Fast.Options(maxRetries: 6) with { UseJitter = true, MaxDelay = TimeSpan.FromMilliseconds(80), OnRetry = retries.Add });

        using var response = await http.GetAsync(server.BaseAddress);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadGateway);
        await Assert.That(server.Requests.Count).IsEqualTo(7);
        var delays = retries.Select(r => r.Delay).ToArray();
        await Assert.That(delays.All(d => d > TimeSpan.Zero && d <= TimeSpan.FromMilliseconds(80))).IsTrue();
        await Assert.That(delays.Distinct().Count()).IsGreaterThan(1);
    }

    [Test]
    [Arguments(529, 2)] // Anthropic's "overloaded": retried like any 5xx
    [Arguments(503, 2)]
    [Arguments(501, 1)] // Not Implemented: another attempt cannot change it
    [Arguments(505, 1)]
    public async Task EveryServerErrorButTheUnchangeableOnesIsRetried(int status, int requests)
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("""{"error":{"message":"busy"}}""", status), FakeResponse.Json(Ok));
        using var http = BackendHttp.CreateClient("Test", Fast.Options());

        using var response = await http.GetAsync(server.BaseAddress);

        await Assert.That(server.Requests.Count).IsEqualTo(requests);
        await Assert.That((int)response.StatusCode).IsEqualTo(requests == 2 ? 200 : status);
    }

    [Test]
    [Arguments(0.005)]
    [Arguments(100_000.0)]
    public async Task ATimeoutPollyCannotHonourIsAConfigurationError(double seconds)
    {
        var ex = await Assert.That(() => BackendHttp.Options("anthropic", TimeSpan.FromSeconds(seconds), null)).Throws<FiniteMemory.Backends.BackendConfigurationException>();
        await Assert.That(ex!.Message).Contains("between 10 ms and 24 hours");
    }

    [Test]
    [Arguments(400)]
    [Arguments(401)]
    [Arguments(403)]
    [Arguments(404)]
    [Arguments(422)]
    public async Task AClientErrorIsNeverRetried(int status)
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("""{"error":{"message":"no"}}""", status), FakeResponse.Json(Ok));
        using var http = BackendHttp.CreateClient("Test", Fast.Options());

        using var response = await http.GetAsync(server.BaseAddress);

        await Assert.That((int)response.StatusCode).IsEqualTo(status);
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task AConnectionResetIsRetried()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Reset(), FakeResponse.Json(Ok));
        var retries = new List<RetryAttempt>();
        using var http = BackendHttp.CreateClient("Test", Fast.Options() with { OnRetry = retries.Add });

        using var response = await http.GetAsync(server.BaseAddress);

        await Assert.That(await response.Content.ReadAsStringAsync()).IsEqualTo(Ok);
        await Assert.That(server.Requests.Count).IsEqualTo(2);
        await Assert.That(retries.Single().Exception).IsTypeOf<HttpRequestException>();
    }

    [Test]
    public async Task ABodyThatBreaksBeforeItEndsIsRetriedWhenTheResponseIsNotStreamed()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json("""{"ok":""").ThenCut(), FakeResponse.Json(Ok));
        using var http = BackendHttp.CreateClient("Test", Fast.Options());

        using var response = await http.GetAsync(server.BaseAddress, HttpCompletionOption.ResponseHeadersRead);

        await Assert.That(await response.Content.ReadAsStringAsync()).IsEqualTo(Ok);
        await Assert.That(server.Requests.Count).IsEqualTo(2);
    }

    [Test]
    public async Task AStreamedBodyThatBreaksAfterItsHeadersIsNotRetried()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Sse([SseEvent.Named("a", "{}")]).ThenCut(), FakeResponse.Json(Ok));
        using var http = BackendHttp.CreateClient("Test", Fast.Options());
        using var connection = new ProviderConnection("Test", http, apiKey: null, apiKeyVariable: null, ownsClient: false);

        using var request = new HttpRequestMessage(HttpMethod.Get, server.BaseAddress);
        using var response = await connection.SendAsync(request, streaming: true, CancellationToken.None);
        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var item in connection.ReadEventsAsync(response, CancellationToken.None))
            {
                seen.Add(item.EventType);
            }
        });

        await Assert.That(seen).IsEquivalentTo(new[] { "a" });
        await Assert.That(error!.Message).Contains("Test's stream broke before it finished");
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task AResponseSlowerThanTheTimeoutFailsEveryAttemptWithAClearError()
    {
        // The server never answers and the timeout runs on a fake clock: only the clock reaching 1 s can end an attempt.
        var clock = new ObservedTimeProvider();
        await using var server = await FakeServer.StartAsync();
        server.Otherwise = _ => FakeResponse.Hang();
        using var http = BackendHttp.CreateClient("Anthropic", Fast.Options(maxRetries: 1, attemptTimeout: TimeSpan.FromSeconds(1)) with { TimeProvider = clock });

        var call = http.GetAsync(server.BaseAddress);
        await server.WaitForRequestsAsync(1, TimeSpan.FromSeconds(60));
        await clock.WaitForTimersAsync(TimeSpan.FromSeconds(1), 1, TimeSpan.FromSeconds(60));
        clock.Advance(TimeSpan.FromSeconds(0.9));
        await Task.Delay(100);
        await Assert.That(call.IsCompleted).IsFalse();
        await Assert.That(server.Requests.Count).IsEqualTo(1);

        clock.Advance(TimeSpan.FromSeconds(0.1));
        await Assert.That(await server.FateOf(0).WaitAsync(TimeSpan.FromSeconds(60))).IsEqualTo(new ResponseFate(Delivered: false, ChunksWritten: 0));
        await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60));
        clock.Advance(TimeSpan.FromMilliseconds(10));
        await server.WaitForRequestsAsync(2, TimeSpan.FromSeconds(60));
        await clock.WaitForTimersAsync(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(60));
        await Assert.That(call.IsCompleted).IsFalse();

        clock.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<BackendTimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(60)));

        await Assert.That(error!.Message).IsEqualTo("Anthropic did not answer within 1 s (2 attempts). Raise the timeout (BackendSettings.Timeout) setting, or check that the endpoint is reachable.");
        await Assert.That(error.Attempts).IsEqualTo(2);
        await Assert.That(await server.FateOf(1).WaitAsync(TimeSpan.FromSeconds(60))).IsEqualTo(new ResponseFate(Delivered: false, ChunksWritten: 0));
        await Assert.That(server.Requests.Count).IsEqualTo(2);
    }

    [Test]
    public async Task TheCallersCancellationIsNeverRetried()
    {
        // The server hangs until the client goes away, so the call can only end because the cancellation stopped it.
        await using var server = await FakeServer.StartAsync();
        server.Otherwise = _ => FakeResponse.Hang();
        using var http = BackendHttp.CreateClient("Test", Fast.Options());
        using var cts = new CancellationTokenSource();

        var call = http.GetAsync(server.BaseAddress, cts.Token);
        await server.WaitForRequestsAsync(1, TimeSpan.FromSeconds(60));
        await cts.CancelAsync();
        await Assert.ThrowsAsync<TaskCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(60)));

        await Assert.That(await server.FateOf(0).WaitAsync(TimeSpan.FromSeconds(60))).IsEqualTo(new ResponseFate(Delivered: false, ChunksWritten: 0));
        await Task.Delay(200);
        await Assert.That(server.Requests.Count).IsEqualTo(1);
    }

    [Test]
    public async Task AnUnreachableEndpointIsAClearErrorAfterTheRetries()
    {
        var port = FreePort();
        var retries = new List<RetryAttempt>();
        using var http = BackendHttp.CreateClient("Cohere", Fast.Options(maxRetries: 2) with { OnRetry = retries.Add });

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{port}/v2/chat")));

        await Assert.That(error!.Message).StartsWith($"Could not reach Cohere at http://127.0.0.1:{port} (3 attempts):");
        await Assert.That(error.StatusCode).IsNull();
        await Assert.That(retries.Count).IsEqualTo(2);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

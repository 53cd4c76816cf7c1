using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FiniteMemory.Backends;
using FiniteMemory.Http.AI21;
using FiniteMemory.Http.Anthropic;
using FiniteMemory.Http.Cohere;
using FiniteMemory.Http.Gemini;
using FiniteMemory.Http.Replicate;
using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.Resilience;

/// <summary>
/// A hostile or careless server must never get a key into an error (whole, in another case, or cut), a key must
/// never smuggle a header of its own into a request, and an endpoint's <c>user:password@</c> is never printed.
/// </summary>
public partial class SecretLeakTests
{
    private const string Key = "sk-live-Q7vX2mN9pL4kR8tY6wB3zC5dF1gH0jKa";

    /// <summary>Every hosted backend of this package, built against <paramref name="endpoint"/> with <paramref name="key"/>.</summary>
    public static IEnumerable<Func<HostedBackend>> Backends()
    {
        yield return () => new("anthropic", (e, k) => new AnthropicChatClient(new AnthropicChatClientOptions { Model = "m", Endpoint = e, ApiKey = k, MaxRetries = 0 }));
        yield return () => new("gemini", (e, k) => new GeminiChatClient(new GeminiChatClientOptions { Model = "m", Endpoint = e, ApiKey = k, MaxRetries = 0 }));
        yield return () => new("cohere", (e, k) => new CohereChatClient(new CohereChatClientOptions { Model = "m", Endpoint = e, ApiKey = k, MaxRetries = 0 }));
        yield return () => new("ai21", (e, k) => new AI21ChatClient(new AI21ChatClientOptions { Model = "jamba-mini", Endpoint = e, ApiKey = k, MaxRetries = 0 }));
        yield return () => new("replicate", (e, k) => new ReplicateChatClient(new ReplicateChatClientOptions { Model = "meta/meta-llama-3-8b-instruct", Endpoint = e, ApiKey = k, MaxRetries = 0 }));
    }

    /// <summary>Ways a server may give a key back: whole, lower- or upper-cased, or cut where it shortens its text.</summary>
    public static IEnumerable<Func<string, string>> Echoes()
    {
        yield return key => $"invalid key {key}";
        yield return key => $"invalid key {key.ToLowerInvariant()}";
        yield return key => $"INVALID KEY {key.ToUpperInvariant()}";
        yield return key => new string('x', 480) + " key: " + key[..12];
        yield return key => $"key ending in ...{key[^10..]} was revoked";
        yield return key => $"Bearer {key[5..25]} unknown";
    }

    [Test]
    [MethodDataSource(nameof(Backends))]
    public async Task A_key_with_a_line_break_or_a_nul_is_refused_before_any_request_naming_the_setting(HostedBackend backend)
    {
        await using var server = await FakeServer.StartAsync();
        server.Otherwise = _ => FakeResponse.Json("""{"error":{"message":"unexpected request"}}""", 500);
        foreach (var bad in (string[])[$"{Key}\r\nX-Evil: yes", $"{Key}\nX-Evil: yes", $"{Key}\0X-Evil: yes", $"{Key}\u2028x", $"sk-l\u00e9-{Key}"])
        {
            var error = Assert.Throws<BackendConfigurationException>(() => backend.Create(server.BaseAddress, bad).Dispose());

            await Assert.That(error!.Message).Contains("BackendSettings.ApiKey");
            await Assert.That(error.Message).Contains("no request was sent");
            await Assert.That(error.Option).IsEqualTo("api-key");
            await AssertRevealsNothingAsync(error.ToString(), Key);
        }

        await Assert.That(server.Requests.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_key_from_an_environment_variable_with_a_line_break_is_refused_naming_the_variable()
    {
        var variable = "FM_SECRET_LEAK_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, $"{Key}\r\nX-Evil: yes");
        try
        {
            var error = Assert.Throws<BackendConfigurationException>(() => ApiKeys.Resolve(null, "Cohere", variable));

            await Assert.That(error!.Message).Contains(variable);
            await Assert.That(error.Message).Contains("line break");
            await AssertRevealsNothingAsync(error.ToString(), Key);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Test]
    public async Task A_key_with_spaces_or_line_breaks_around_it_is_trimmed_and_used()
    {
        await Assert.That(ApiKeys.Resolve($"  {Key}\r\n", "Cohere")).IsEqualTo(Key);
    }

    [Test]
    [MethodDataSource(nameof(Backends))]
    public async Task A_server_that_echoes_the_key_in_a_401_gets_no_piece_of_it_into_the_error(HostedBackend backend)
    {
        foreach (var echo in Echoes())
        {
            await using var server = await FakeServer.StartAsync();
            server.Otherwise = request =>
            {
                var sent = request.Header("Authorization")?.Replace("Bearer ", string.Empty, StringComparison.Ordinal)
                    ?? request.Header("x-api-key") ?? request.Header("x-goog-api-key") ?? "no key arrived";
                var text = JsonSerializer.Serialize(echo(sent));
                return FakeResponse.Json($$"""{"error":{"message":{{text}},"type":"authentication_error"},"message":{{text}},"detail":{{text}}}""", 401)
                    .WithHeader("request-id", echo(sent));
            };
            using var client = backend.Create(server.BaseAddress, Key);

            var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("hello"));

            await Assert.That(error!.StatusCode).IsEqualTo(401);
            await Assert.That(error.Message).Contains("[redacted]");
            await AssertRevealsNothingAsync(error.ToString(), Key);
            await AssertRevealsNothingAsync(error.ProviderMessage ?? string.Empty, Key);
            await AssertRevealsNothingAsync(error.RequestId ?? string.Empty, Key);
        }
    }

    [Test]
    [MethodDataSource(nameof(Backends))]
    public async Task An_endpoint_with_a_user_and_password_is_printed_without_them(HostedBackend backend)
    {
        var port = ClosedPort();
        var endpoint = new Uri($"http://alice:hunter2-pw-0451@127.0.0.1:{port}/api");
        using var client = backend.Create(endpoint, Key);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync("hello"));

        await Assert.That(error!.Message).Contains($"http://127.0.0.1:{port}");
        await Assert.That(error.ToString()).DoesNotContain("hunter2");
        await Assert.That(error.ToString()).DoesNotContain("alice");
    }

    [Test]
    public async Task Settings_print_the_endpoint_without_user_info_or_query()
    {
        var settings = new CohereChatClientOptions { Model = "m", Endpoint = new Uri("https://alice:hunter2-pw@proxy.example/v2?key=AIzaSecret123456"), ApiKey = Key };
        var common = new BackendSettings { Endpoint = settings.Endpoint, ApiKey = Key };

        await Assert.That(settings.ToString()).Contains("Endpoint=https://proxy.example/v2,");
        await Assert.That(common.ToString()).Contains("Endpoint=https://proxy.example/v2,");
        foreach (var text in (string[])[settings.ToString(), common.ToString()])
        {
            await Assert.That(text).DoesNotContain("hunter2");
            await Assert.That(text).DoesNotContain("AIzaSecret");
            await Assert.That(text).DoesNotContain(Key);
        }
    }

    [Test]
    public async Task A_closed_port_is_described_in_our_own_words()
    {
        var port = ClosedPort();
        using var http = BackendHttp.CreateClient("Cohere", Fast.Options(maxRetries: 0));

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{port}/v2/chat")));

        await Assert.That(error!.Message).IsEqualTo($"Could not reach Cohere at http://127.0.0.1:{port} (1 attempt): connection refused: nothing is listening at that address and port. Check the endpoint and the network.");
    }

    [Test]
    public async Task A_transport_error_is_described_from_its_kind_not_from_its_resource_text()
    {
        // What Native AOT with UseSystemResourceKeys throws: the message is the resource key.
        var aot = new HttpRequestException(HttpRequestError.ConnectionError, "net_http_client_execution_error", new SocketException((int)SocketError.ConnectionRefused));
        using var http = new HttpClient(new ResilientHttpHandler(Fast.Options(maxRetries: 0), "Cohere", new Throwing(aot)));

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => http.GetAsync(new Uri("http://127.0.0.1:9/v2/chat")));

        await Assert.That(error!.Message).IsEqualTo("Could not reach Cohere at http://127.0.0.1:9 (1 attempt): connection refused: nothing is listening at that address and port. Check the endpoint and the network.");
        await Assert.That(ResourceKey().IsMatch(error.Message)).IsFalse();
    }

    [Test]
    [Arguments(HttpRequestError.NameResolutionError, "the host name could not be resolved")]
    [Arguments(HttpRequestError.SecureConnectionError, "the secure connection (TLS) could not be established")]
    [Arguments(HttpRequestError.ResponseEnded, "the server closed the connection before the response was complete")]
    [Arguments(HttpRequestError.InvalidResponse, "the server sent a response that is not valid HTTP")]
    [Arguments(HttpRequestError.Unknown, "the request failed")]
    public async Task Each_kind_of_HTTP_failure_has_its_own_words(HttpRequestError kind, string words)
    {
        var text = ExceptionText.Describe(new HttpRequestException(kind, "net_http_ssl_connection_failed"));

        await Assert.That(text).StartsWith(words);
        await Assert.That(ResourceKey().IsMatch(text)).IsFalse();
    }

    [Test]
    public async Task Framework_exceptions_whose_message_is_a_resource_key_get_our_words()
    {
        var cases = new Exception[]
        {
            new FormatException("Arg_FormatException"),
            new UriFormatException("net_uri_BadHostName"),
            new IOException("IO_SharingViolation_File, /tmp/x"),
            new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, /tmp/x"),
            new FileNotFoundException("IO_FileNotFound_FileName, /tmp/x"),
            new JsonException("DeserializeUnableToConvertValue, System.String", "$.choices[0]", 0, 42),
            new HttpIOException(HttpRequestError.ResponseEnded, "net_http_response_ended"),
            new InvalidOperationException("net_http_content_buffersize_exceeded, 65536"),
        };

        foreach (var exception in cases)
        {
            var text = ExceptionText.Describe(exception);
            await Assert.That(ResourceKey().IsMatch(text)).IsFalse().Because($"{exception.GetType().Name}: {text}");
            await Assert.That(text).IsNotEmpty();
        }

        await Assert.That(ExceptionText.Describe(cases[5])).IsEqualTo("malformed JSON, or JSON of another shape than expected (at $.choices[0], line 1, byte 43)");
        await Assert.That(ExceptionText.Describe(new FormatException("line 3: not a number"))).IsEqualTo("line 3: not a number");
        await Assert.That(ExceptionText.Describe(new InvalidOperationException("Boom"))).IsEqualTo("Boom");
    }

    [Test]
    public async Task A_transport_error_that_quotes_the_key_is_not_carried_as_the_inner_exception()
    {
        var quoting = new HttpRequestException(HttpRequestError.InvalidResponse, $"Received an invalid header line: 'Authorization: Bearer {Key}'.");
        using var http = new HttpClient(new ResilientHttpHandler(Fast.Options(maxRetries: 0), "AI21", new Throwing(quoting)));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("https://user:pw-secret-77@127.0.0.1:9/x?key=AIzaQuerySecret99"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);

        var error = await Assert.ThrowsAsync<BackendHttpException>(() => http.SendAsync(request));

        await AssertRevealsNothingAsync(error!.ToString(), Key);
        await Assert.That(error.ToString()).DoesNotContain("pw-secret-77");
        await Assert.That(error.ToString()).DoesNotContain("AIzaQuerySecret99");
        await Assert.That(error.InnerException).IsTypeOf<HttpRequestException>();
        await Assert.That(((HttpRequestException)error.InnerException!).HttpRequestError).IsEqualTo(HttpRequestError.InvalidResponse);
    }

    [Test]
    public async Task The_redactor_masks_any_long_piece_of_a_key_in_any_case()
    {
        var redactor = new SecretRedactor(Key);

        await Assert.That(redactor.Redact($"cut: {Key[..8]}")).IsEqualTo("cut: [redacted]");
        await Assert.That(redactor.Redact($"cut: {Key[..7]}")).IsEqualTo($"cut: {Key[..7]}");
        await Assert.That(redactor.Redact($"{Key.ToUpperInvariant()}!")).IsEqualTo("[redacted]!");
        await Assert.That(redactor.Redact($"a {Key[3..20]} b {Key[20..]} c")).IsEqualTo("a [redacted] b [redacted] c");
        await Assert.That(redactor.Redact($"{Key}{Key}")).IsEqualTo("[redacted]");
        await Assert.That(redactor.Redact("nothing secret here")).IsEqualTo("nothing secret here");
        await Assert.That(new SecretRedactor("abc12").Redact("abc12")).IsEqualTo("abc12");
        await Assert.That(new SecretRedactor("abc123").Redact("x ABC123 y")).IsEqualTo("x [redacted] y");
    }

    private static async Task AssertRevealsNothingAsync(string text, string key)
    {
        var lower = text.ToLowerInvariant();
        for (var i = 0; i + SecretRedactor.MinimumFragmentLength <= key.Length; i++)
        {
            var piece = key.Substring(i, SecretRedactor.MinimumFragmentLength).ToLowerInvariant();
            await Assert.That(lower.Contains(piece, StringComparison.Ordinal)).IsFalse().Because($"'{piece}' of the key is in: {text}");
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"\b(net_http_|Arg_|IO_|UnauthorizedAccess_|net_uri_)|^[A-Z][a-z]+[A-Z]\w*,")]
    private static partial Regex ResourceKey();

    /// <summary>One backend under test, by name.</summary>
    public sealed record HostedBackend(string Name, Func<Uri, string, IChatClient> Create)
    {
        public override string ToString() => Name;
    }

    private sealed class Throwing(Exception exception) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(exception);
    }
}

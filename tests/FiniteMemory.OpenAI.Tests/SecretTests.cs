using System.Net;
using System.Net.Sockets;
using FiniteMemory.Backends;
using FiniteMemory.Fakes;
using FiniteMemory.Http;
using FiniteMemory.OpenAI.Tests.Support;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI.Tests;

/// <summary>
/// The OpenAI path never lets the key out: a key that would inject a header is refused before any request, a server
/// that echoes the key (whole, recased, or cut where the message is shortened) gets no piece of it into the error,
/// and an endpoint's <c>user:password@</c> is never printed.
/// </summary>
public class SecretTests
{
    private const string Key = "sk-proj-Zt8Wq3Lm7Rv2Np5Xc9Bh4Kd6Jf1Gs0Ya";

    private static readonly List<ChatMessage> Question = [new(ChatRole.User, "Status?")];

    public static IEnumerable<Func<string>> BadKeys()
    {
        yield return () => $"{Key}\r\nX-Evil: yes";
        yield return () => $"{Key}\nX-Evil: yes";
        yield return () => $"{Key}\0X-Evil: yes";
        yield return () => $"{Key}\tX-Evil";
    }

    [Test]
    [MethodDataSource(nameof(BadKeys))]
    public async Task A_key_that_would_inject_a_header_is_refused_before_any_request(string bad)
    {
        await using var server = await FakeOpenAIServer.StartAsync();

        foreach (var preset in (OpenAIPreset?[])[null, OpenAIPresets.Vllm])
        {
            var error = Assert.Throws<BackendConfigurationException>(() => Clients.Chat(server, s => s.ApiKey = bad, preset).Dispose());

            await Assert.That(error!.Message).Contains("BackendSettings.ApiKey");
            await Assert.That(error.Message).Contains("no request was sent");
            await AssertRevealsNothingAsync(error.ToString());
        }

        var embedder = Assert.Throws<BackendConfigurationException>(() => OpenAIBackends.CreateEmbeddingGenerator(new OpenAIChatClientOptions { Endpoint = server.BaseUrl, ApiKey = bad }).Dispose());
        await Assert.That(embedder!.Message).Contains("BackendSettings.ApiKey");
        await Assert.That(server.Requests.Count).IsEqualTo(0);
    }

    [Test]
    public async Task An_organization_with_a_line_break_is_refused_before_any_request()
    {
        await using var server = await FakeOpenAIServer.StartAsync();

        var error = Assert.Throws<BackendConfigurationException>(() => Clients.Chat(server, s => s.Organization = "org-1\r\nX-Evil: yes").Dispose());

        await Assert.That(error!.Option).IsEqualTo("organization");
        await Assert.That(server.Requests.Count).IsEqualTo(0);
    }

    [Test]
    [Arguments(false, 0)]
    [Arguments(true, 0)]
    [Arguments(false, 455)]
    [Arguments(false, 462)]
    [Arguments(true, 466)]
    public async Task A_server_that_echoes_the_key_in_a_401_gets_no_piece_of_it_into_the_error(bool streaming, int padding)
    {
        // The server's message is shortened to 500 characters: with padding, the echoed key straddles the cut.
        var echoes = new Func<string, string>[]
        {
            key => key,
            key => key.ToLowerInvariant(),
            key => key.ToUpperInvariant(),
            key => $"{key[..12]} (truncated)",
            key => $"...{key[^12..]}",
        };
        foreach (var echo in echoes)
        {
            await using var server = await FakeOpenAIServer.StartAsync();
            server.Enqueue((request, context) =>
            {
                var sent = request.Header("Authorization")?.Replace("Bearer ", string.Empty, StringComparison.Ordinal) ?? "none";
                return FakeOpenAIServer.Error(401, $"{new string('x', padding)} Incorrect API key provided: {echo(sent)}. Find your key in the dashboard.", "invalid_request_error")(request, context);
            });
            using var client = Clients.Chat(server, s => s.ApiKey = Key);

            var error = streaming
                ? await Assert.ThrowsAsync<BackendHttpException>(async () => await client.GetStreamingResponseAsync(Question).ToChatResponseAsync())
                : await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question));

            await Assert.That(error!.StatusCode).IsEqualTo(401);
            await Assert.That(server.Requests[0].Header("Authorization")).IsEqualTo($"Bearer {Key}");
            await AssertRevealsNothingAsync(error.ToString());
            await AssertRevealsNothingAsync(error.ProviderMessage ?? string.Empty);
        }
    }

    [Test]
    public async Task An_endpoint_with_a_user_and_password_is_never_printed()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Error(404, "The model does not exist", "invalid_request_error"));
        var withCredentials = new UriBuilder(server.BaseUrl) { UserName = "alice", Password = "hunter2-pw-0451" }.Uri;
        using (var client = Clients.Chat(server, s =>
        {
            s.Endpoint = withCredentials;
            s.ApiKey = Key;
        }))
        {
            var notFound = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question));

            await Assert.That(notFound!.Message).Contains($"({server.BaseUrl.GetLeftPart(UriPartial.Path)})");
            await Assert.That(notFound.ToString()).DoesNotContain("hunter2");
            await Assert.That(notFound.ToString()).DoesNotContain("alice");
        }

        var port = ClosedPort();
        using (var client = Clients.Chat(server, s =>
        {
            s.Endpoint = new Uri($"http://alice:hunter2-pw-0451@127.0.0.1:{port}/v1");
            s.MaxRetries = 0;
        }))
        {
            var unreachable = await Assert.ThrowsAsync<BackendHttpException>(() => client.GetResponseAsync(Question));

            await Assert.That(unreachable!.Message).Contains($"http://127.0.0.1:{port}");
            await Assert.That(unreachable.Message).Contains("connection refused");
            await Assert.That(unreachable.ToString()).DoesNotContain("hunter2");
            await Assert.That(unreachable.ToString()).DoesNotContain("alice");
        }
    }

    private static async Task AssertRevealsNothingAsync(string text)
    {
        var lower = text.ToLowerInvariant();
        for (var i = 0; i + SecretRedactor.MinimumFragmentLength <= Key.Length; i++)
        {
            var piece = Key.Substring(i, SecretRedactor.MinimumFragmentLength).ToLowerInvariant();
            await Assert.That(lower.Contains(piece, StringComparison.Ordinal)).IsFalse().Because($"'{piece}' of the key is in: {text}");
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

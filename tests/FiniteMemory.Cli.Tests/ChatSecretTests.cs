using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FiniteMemory.Fakes;

namespace FiniteMemory.Cli.Tests;

/// <summary>
/// <c>fmem chat</c> never prints a key or endpoint credentials: a key that would inject a header is refused before any
/// request, naming its variable; a server echoing the key gets no piece of it onto stderr; a checkpoint never holds it;
/// transport failures read in fmem's own words.
/// </summary>
public partial class ChatSecretTests
{
    private const string Key = "sk-proj-Fm3Rk8Tq2Wz6Lp9Xv4Nc7Bd1Hs5Jg0Ae";

    [Test]
    [Arguments("\r\nX-Evil: yes")]
    [Arguments("\nX-Evil: yes")]
    [Arguments("\u001b[2J")]
    public async Task A_key_variable_with_a_line_break_is_refused_by_name_before_any_request(string injected)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var variable = Variable(Key + injected);
        try
        {
            var result = await Fmem.RunAsync(Args(server.BaseUrl.ToString(), variable), ["hello"]);

            await Assert.That(result.ExitCode).IsEqualTo(2).Because(result.ToString());
            await Assert.That(result.Stderr).Contains(variable);
            await Assert.That(result.Stderr).Contains("control character");
            await AssertRevealsNothingAsync(result.Stderr + result.Stdout);
            await Assert.That(server.Requests.Count).IsEqualTo(0);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Test]
    public async Task A_server_echoing_the_key_cut_at_the_message_limit_leaks_no_piece_of_it_and_the_checkpoint_holds_no_key()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var dir = new TempDirectory();
        var checkpoint = Path.Combine(dir.Path, "c.json");
        var variable = Variable(Key);
        try
        {
            var first = await Fmem.RunAsync([.. Args(server.BaseUrl.ToString(), variable), "--checkpoint", checkpoint], ["hello"]);
            await Assert.That(first.ExitCode).IsEqualTo(0).Because(first.ToString());

            // 500 characters are kept of the server's message: the key starts 11 characters before the cut.
            server.Enqueue((request, context) =>
            {
                var sent = request.Header("Authorization")!.Replace("Bearer ", string.Empty, StringComparison.Ordinal);
                return FakeOpenAIServer.Error(401, $"{new string('x', 460)} Incorrect API key provided: {sent.ToLowerInvariant()}", "invalid_request_error")(request, context);
            });
            var result = await Fmem.RunAsync([.. Args(server.BaseUrl.ToString(), variable), "--checkpoint", checkpoint], ["again"]);

            await Assert.That(result.ExitCode).IsEqualTo(3).Because(result.ToString());
            await Assert.That(result.Stderr).Contains("401");
            await AssertRevealsNothingAsync(result.Stderr + result.Stdout);
            await AssertRevealsNothingAsync(await File.ReadAllTextAsync(checkpoint));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Test]
    public async Task An_unreachable_endpoint_with_credentials_is_reported_in_our_words_without_them()
    {
        var port = ClosedPort();
        var variable = Variable(Key);
        try
        {
            var result = await Fmem.RunAsync([.. Args($"http://alice:hunter2-pw-0451@127.0.0.1:{port}/v1", variable)], ["hello"]);

            await Assert.That(result.ExitCode).IsEqualTo(3).Because(result.ToString());
            await Assert.That(result.Stderr).Contains($"http://127.0.0.1:{port}");
            await Assert.That(result.Stderr).Contains("connection refused");
            await Assert.That(result.Stderr).DoesNotContain("hunter2");
            await Assert.That(result.Stderr).DoesNotContain("alice");
            await Assert.That(ResourceKey().IsMatch(result.Stderr)).IsFalse().Because(result.Stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Test]
    public async Task An_endpoint_that_does_not_parse_is_echoed_without_its_credentials()
    {
        var result = await Fmem.RunAsync(Args("ftp://alice:hunter2-pw@127.0.0.1/v1", "FMEM_UNUSED_KEY_VARIABLE"), ["hello"]);

        await Assert.That(result.ExitCode).IsEqualTo(2);
        await Assert.That(result.Stderr).Contains("--endpoint must be an absolute http(s) URL");
        await Assert.That(result.Stderr).DoesNotContain("hunter2");
    }

    private static string Variable(string value)
    {
        var name = "FMEM_SECRET_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, value);
        return name;
    }

    private static string[] Args(string endpoint, string variable) =>
        ["chat", "--backend", "openai", "--endpoint", endpoint, "--model", "gpt-test", "--budget", "800", "--api-key-env", variable, "--timeout", "60"];

    private static async Task AssertRevealsNothingAsync(string text)
    {
        var lower = text.ToLowerInvariant();
        for (var i = 0; i + 8 <= Key.Length; i++)
        {
            var piece = Key.Substring(i, 8).ToLowerInvariant();
            await Assert.That(lower.Contains(piece, StringComparison.Ordinal)).IsFalse().Because($"'{piece}' of the key is in: {text}");
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"\b(net_http_|Arg_|IO_|SocketException)")]
    private static partial Regex ResourceKey();
}

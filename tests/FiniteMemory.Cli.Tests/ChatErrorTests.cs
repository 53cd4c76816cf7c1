using FiniteMemory.Fakes;

namespace FiniteMemory.Cli.Tests;

/// <summary>
/// <c>fmem chat</c>'s errors, in-process: bad arguments exit 2 with the known names, a failing model call prints one
/// line and ends a scripted session with exit code 3 without saving the failed turn.
/// </summary>
public class ChatErrorTests
{
    private const string KeyVariable = "FMEM_CHAT_ERROR_TESTS_KEY";
    private const string Key = "sk-error-tests-8d7c6b5a4f3e";

    static ChatErrorTests() => Environment.SetEnvironmentVariable(KeyVariable, Key);

    [Test]
    public async Task An_unknown_backend_is_an_input_error_listing_the_known_backends()
    {
        var result = await Fmem.RunAsync(["chat", "--backend", "gpt5-direct", "--model", "m", "--budget", "500"], []);

        await Assert.That(result.ExitCode).IsEqualTo(2);
        await Assert.That(result.Stderr).Contains("unknown backend 'gpt5-direct'");
        await Assert.That(result.Stderr).Contains("openai");
        await Assert.That(result.Stderr).Contains("ollama");
    }

    [Test]
    public async Task An_unknown_policy_is_an_input_error_listing_the_known_policies()
    {
        var result = await Fmem.RunAsync(["chat", "--backend", "ollama", "--model", "m", "--policy", "lru", "--budget", "500"], []);

        await Assert.That(result.ExitCode).IsEqualTo(2);
        await Assert.That(result.Stderr).Contains("unknown policy 'lru'");
        await Assert.That(result.Stderr).Contains("hybrid");
    }

    [Test]
    public async Task A_401_prints_one_clear_line_without_the_key_and_exits_3_without_saving_the_turn()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var dir = new TempDirectory();
        var checkpoint = Path.Combine(dir.Path, "c.json");
        server.Enqueue(FakeOpenAIServer.Error(401, $"Incorrect API key provided: {Key}.", "invalid_request_error"));

        var result = await Fmem.RunAsync([.. Args(server), "--checkpoint", checkpoint], ["hello"]);

        await Assert.That(result.ExitCode).IsEqualTo(3);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await Assert.That(lines.Length).IsEqualTo(1).Because(result.Stderr);
        await Assert.That(lines[0]).StartsWith("fmem: error: ");
        await Assert.That(lines[0]).Contains("401");
        await Assert.That(lines[0]).Contains("Incorrect API key provided");
        await Assert.That(result.Stderr + result.Stdout).DoesNotContain(Key);
        await Assert.That(server.Requests.Count).IsEqualTo(1);
        await Assert.That(File.Exists(checkpoint)).IsFalse();
    }

    [Test]
    public async Task A_stream_cut_mid_answer_prints_no_half_answer_and_keeps_the_turns_before_it()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var dir = new TempDirectory();
        var checkpoint = Path.Combine(dir.Path, "c.json");
        var first = await Fmem.RunAsync([.. Args(server), "--checkpoint", checkpoint], ["first message"]);
        await Assert.That(first.ExitCode).IsEqualTo(0).Because(first.ToString());
        var saved = await File.ReadAllTextAsync(checkpoint);

        server.Enqueue(FakeOpenAIServer.CutStream("A half answer that never ends"));
        var result = await Fmem.RunAsync([.. Args(server), "--checkpoint", checkpoint], ["second message", "never sent"]);

        await Assert.That(result.ExitCode).IsEqualTo(3);
        await Assert.That(result.Stdout).DoesNotContain("half answer");
        await Assert.That(result.Stderr).Contains("incomplete");
        await Assert.That(server.ChatRequests.Count).IsEqualTo(2);
        await Assert.That(await File.ReadAllTextAsync(checkpoint)).IsEqualTo(saved);
    }

    [Test]
    public async Task Empty_lines_are_skipped_and_stats_go_to_stdout_with_totals_at_the_end()
    {
        await using var server = await FakeOpenAIServer.StartAsync();

        var result = await Fmem.RunAsync([.. Args(server), "--stats"], ["one", "", "   ", "two"]);

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        await Assert.That(server.ChatRequests.Count).IsEqualTo(2);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await Assert.That(lines.Length).IsEqualTo(5).Because(result.Stdout);
        await Assert.That(lines[0]).IsEqualTo("Answer 0: noted.");
        await Assert.That(lines[1]).StartsWith("[memory] ");
        await Assert.That(lines[2]).IsEqualTo("Answer 1: noted.");
        await Assert.That(lines[4]).StartsWith("[session] 2 turns");
        await Assert.That(result.Stderr).IsEqualTo(string.Empty);
    }

    [Test]
    public async Task Temperature_and_max_tokens_are_sent_with_every_request()
    {
        await using var server = await FakeOpenAIServer.StartAsync();

        var result = await Fmem.RunAsync([.. Args(server), "--temperature", "0.3", "--max-tokens", "77"], ["one", "two"]);

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        foreach (var request in server.ChatRequests)
        {
            await Assert.That(request.Json!["temperature"]!.GetValue<double>()).IsEqualTo(0.3).Within(1e-6);
            await Assert.That((request.Json["max_completion_tokens"] ?? request.Json["max_tokens"])!.GetValue<int>()).IsEqualTo(77);
            await Assert.That(request.Json["model"]!.GetValue<string>()).IsEqualTo("gpt-test");
        }
    }

    [Test]
    public async Task An_interactive_session_goes_on_after_a_failed_turn_and_remembers_nothing_of_it()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.Error(401, "Incorrect API key provided.", "invalid_request_error"));
        var request = new ChatRequest("openai", "gpt-test", "sliding", 800)
        {
            Endpoint = server.BaseUrl.ToString(),
            System = "Be brief.",
            ApiKeyVariable = KeyVariable,
        };
        using var stdin = new StringReader("lost question\nkept question\n");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await ChatLoop.RunAsync(request, stdin, interactive: true, stdout, stderr, CancellationToken.None);

        await Assert.That(code).IsEqualTo(0);
        await Assert.That(stderr.ToString()).Contains("401");
        await Assert.That(stderr.ToString()).Contains("nothing of this turn was remembered");
        var output = stdout.ToString();
        await Assert.That(output).Contains("> ");
        await Assert.That(output).Contains("Answer 1: noted.");
        await Assert.That(output).Contains("[memory] ");
        var second = server.ChatRequests[1].Messages;
        await Assert.That(string.Join("|", second.Select(m => m.Content))).IsEqualTo("Be brief.|kept question");
    }

    private static string[] Args(FakeOpenAIServer server) =>
        ["chat", "--backend", "openai", "--endpoint", server.BaseUrl.ToString(), "--model", "gpt-test", "--budget", "800", "--api-key-env", KeyVariable, "--timeout", "60"];
}

using System.Globalization;
using FiniteMemory.Fakes;

namespace FiniteMemory.Cli.Tests;

/// <summary>
/// <c>fmem chat</c> end to end: the program runs as a process against a fake OpenAI-compatible server on
/// 127.0.0.1, with scripted turns on stdin and the key in its environment.
/// </summary>
public class ChatTests
{
    private const string Key = "sk-e2e-4f1d9c2b7a6e5d3c";
    private const string System = "You are Tabi, a concise travel-planning assistant. Quote prices in EUR.";
    private const int Budget = 600;

    private static readonly TokenCounter Counter = TokenCounter.For(TokenizerPreset.O200k);

    [Test]
    public async Task Thirty_scripted_turns_each_send_a_window_within_the_budget_with_the_system_prompt_first_and_the_newest_message_last()
    {
        await using var server = await StartServerAsync();
        var turns = Turns(30, 0);

        var result = await ChatProcess.RunAsync(Args(server), turns, new Dictionary<string, string?> { ["OPENAI_API_KEY"] = Key });

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        var requests = server.ChatRequests;
        await Assert.That(requests.Count).IsEqualTo(30);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var messages = request.Messages;
            await Assert.That(ChatProcess.Recount(request, Counter)).IsLessThanOrEqualTo(Budget).Because($"request {i + 1}");
            await Assert.That(messages[0]).IsEqualTo(("system", (string?)System));
            await Assert.That(messages.Count(m => m.Role == "system")).IsEqualTo(1);
            await Assert.That(messages[^1]).IsEqualTo(("user", (string?)turns[i]));
            await Assert.That(request.Header("Authorization")).IsEqualTo($"Bearer {Key}");
            await Assert.That(request.Stream).IsTrue();
        }

        // The conversation outgrew the budget, so later windows dropped early turns.
        await Assert.That(requests[^1].Body).DoesNotContain(turns[0]);
        var answers = Lines(result.Stdout);
        await Assert.That(answers.Count).IsEqualTo(30);
        for (var i = 0; i < answers.Count; i++)
        {
            await Assert.That(answers[i]).IsEqualTo(Reply(i));
        }

        var status = Lines(result.Stderr);
        await Assert.That(status.Count).IsEqualTo(30);
        await Assert.That(status.All(l => l.StartsWith("[memory] ", StringComparison.Ordinal) && l.Contains("/600 tokens", StringComparison.Ordinal))).IsTrue().Because(result.Stderr);
        await Assert.That(result.Stdout + result.Stderr).DoesNotContain(Key);
    }

    [Test]
    public async Task A_checkpoint_resumes_the_conversation_and_never_holds_the_key()
    {
        await using var server = await StartServerAsync();
        using var dir = new TempDirectory();
        var checkpoint = Path.Combine(dir.Path, "session.json");
        var environment = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = Key };

        var first = await ChatProcess.RunAsync([.. Args(server), "--checkpoint", checkpoint], Turns(4, 0), environment);
        await Assert.That(first.ExitCode).IsEqualTo(0).Because(first.ToString());
        await Assert.That(File.Exists(checkpoint)).IsTrue();
        var saved = await File.ReadAllTextAsync(checkpoint);
        await Assert.That(saved).DoesNotContain(Key);
        await Assert.That(saved).Contains(Turns(4, 0)[3]);

        var resumed = await ChatProcess.RunAsync([.. Args(server), "--checkpoint", checkpoint], Turns(1, 100), environment);

        await Assert.That(resumed.ExitCode).IsEqualTo(0).Because(resumed.ToString());
        var request = server.ChatRequests[4];
        await Assert.That(request.Messages[0]).IsEqualTo(("system", (string?)System));
        await Assert.That(request.Messages.Count(m => m.Role == "system")).IsEqualTo(1);
        await Assert.That(request.Messages.Any(m => m.Content == Turns(4, 0)[3])).IsTrue().Because(request.Body);
        await Assert.That(request.Messages.Any(m => m.Content == Reply(3))).IsTrue().Because(request.Body);
        await Assert.That(request.Messages[^1]).IsEqualTo(("user", (string?)Turns(1, 100)[0]));
        await Assert.That(await File.ReadAllTextAsync(checkpoint)).Contains(Turns(1, 100)[0]);
        await Assert.That(await File.ReadAllTextAsync(checkpoint)).DoesNotContain(Key);
    }

    [Test]
    public async Task A_missing_key_exits_with_code_2_naming_the_variable()
    {
        await using var server = await StartServerAsync();

        var result = await ChatProcess.RunAsync(Args(server), Turns(1, 0), new Dictionary<string, string?>());

        await Assert.That(result.ExitCode).IsEqualTo(2);
        await Assert.That(result.Stderr).Contains("OPENAI_API_KEY");
        await Assert.That(result.Stdout).IsEqualTo(string.Empty);
        await Assert.That(server.Requests.Count).IsEqualTo(0);
    }

    private static async Task<FakeOpenAIServer> StartServerAsync()
    {
        var server = await FakeOpenAIServer.StartAsync();
        server.Reply = r => Reply(server.ChatRequests.Count(c => c.Index < r.Index));

        // Report a little more than FiniteMemory estimates, as a provider with a slightly different tokenizer would.
        server.PromptTokens = r => (int)Math.Ceiling(ChatProcess.Recount(r, Counter) * 1.05);
        return server;
    }

    private static string[] Args(FakeOpenAIServer server) =>
        ["chat", "--backend", "openai", "--endpoint", server.BaseUrl.ToString(), "--model", "gpt-test", "--policy", "hybrid", "--budget", Budget.ToString(CultureInfo.InvariantCulture), "--system", System];

    private static List<string> Turns(int count, int first) =>
        [.. Enumerable.Range(first, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"Turn {i + 1}: we fixed detail number {i * 7 + 3} of the Kyoto trip, the ryokan deposit of {i * 40 + 120} EUR and a train at {8 + i % 12}:15."))];

    private static string Reply(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"Reply {index + 1}: noted, that detail is saved with the others for the itinerary and the budget sheet.");

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
}

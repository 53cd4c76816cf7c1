using System.Globalization;
using FiniteMemory.Fakes;

namespace FiniteMemory.Cli.Tests;

/// <summary><c>fmem chat</c> against a loopback server that reports absurd usage or calls tools nobody offered (issue 20, items 10 and 11).</summary>
public class ChatHostileServerTests
{
    private const string Key = "sk-hostile-5e1c";
    private static readonly TokenCounter Counter = TokenCounter.For(TokenizerPreset.O200k);

    [Test]
    public async Task A_server_reporting_one_prompt_token_never_gets_a_request_over_the_budget_by_the_exact_count()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.PromptTokens = static _ => 1;
        var turns = Enumerable.Range(1, 30)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"Turn {i}: the ryokan deposit is {i * 40 + 120} EUR, the train leaves at {8 + i % 12}:15 from platform {i % 9 + 1}, and we still need {i} umbrellas."))
            .ToList();

        var result = await ChatProcess.RunAsync(Args(server, 1000), turns, new Dictionary<string, string?> { ["OPENAI_API_KEY"] = Key });

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        var requests = server.ChatRequests;
        await Assert.That(requests.Count).IsEqualTo(30);
        foreach (var request in requests)
        {
            await Assert.That(ChatProcess.Recount(request, Counter)).IsLessThanOrEqualTo(1000).Because($"request {request.Index}");
        }
    }

    [Test]
    public async Task An_unrequested_tool_call_is_refused_and_never_sent_back()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeOpenAIServer.ToolCalls(("call_x", "delete_everything", "{}")));

        var result = await ChatProcess.RunAsync(Args(server, 1000), ["First question.", "Second question."], new Dictionary<string, string?> { ["OPENAI_API_KEY"] = Key });

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.BackendError).Because(result.ToString());
        await Assert.That(result.Stderr).Contains("delete_everything");
        await Assert.That(result.Stderr).Contains("offered no tools");
        foreach (var request in server.ChatRequests)
        {
            await Assert.That(request.Body).DoesNotContain("call_x");
        }
    }

    private static string[] Args(FakeOpenAIServer server, int budget) =>
        ["chat", "--backend", "openai", "--endpoint", server.BaseUrl.ToString(), "--model", "gpt-test", "--budget", budget.ToString(CultureInfo.InvariantCulture), "--system", "Be brief."];
}

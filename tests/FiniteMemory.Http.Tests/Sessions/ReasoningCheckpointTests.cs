using System.Text.Json;
using FiniteMemory.Http.Tests.Anthropic;
using FiniteMemory.Http.Tests.Fakes;
using FiniteMemory.Http.Tests.Gemini;
using Microsoft.Extensions.AI;
using static FiniteMemory.Http.Tests.Support.Conversations;

namespace FiniteMemory.Http.Tests.Sessions;

/// <summary>Reasoning signatures in a session's memory survive a checkpoint saved and loaded, and go back to the provider.</summary>
public class ReasoningCheckpointTests
{
    private static async Task<JsonElement> RequestAfterCheckpointAsync(FakeServer server, IChatClient provider)
    {
        using var client = new ChatClientBuilder(provider).UseFunctionInvocation().Build();
        var options = new MemoryOptions { Budget = 8000 };
        var session = new MemorySession(client, options);
        await session.ChatAsync("Weather in Bergen?", WeatherOptions());

        var directory = Directory.CreateTempSubdirectory("fmem-signatures-");
        try
        {
            var path = Path.Combine(directory.FullName, "session.json");
            await session.SaveCheckpointAsync(path);
            var restored = await MemorySession.LoadAsync(path, client, new MemoryOptions { Budget = 8000 });
            await restored.ChatAsync("And tomorrow?", WeatherOptions());
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        return server.Requests[^1].Json;
    }

    [Test]
    public async Task AnthropicThinkingBlocksSurviveACheckpointAndGoBackUnchanged()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json(AnthropicThinkingTests.ThinkingToolAnswer),
            FakeResponse.Json(AnthropicThinkingTests.FinalAnswer),
            FakeResponse.Json(AnthropicThinkingTests.FinalAnswer));

        var request = await RequestAfterCheckpointAsync(server, AnthropicChatClientTests.Client(server));

        var assistant = request.GetProperty("messages")[1];
        var expected = $$$"""[{{{AnthropicThinkingTests.ThinkingBlock}}},{{{AnthropicThinkingTests.RedactedBlock}}},{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Bergen"}}]""";
        await Assert.That(SameJson(assistant.GetProperty("content"), expected)).IsTrue().Because(assistant.GetRawText());
    }

    [Test]
    public async Task GeminiThoughtSignaturesSurviveACheckpointAndGoBackInTheirParts()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Json(GeminiThoughtSignatureTests.SignedCallAnswer),
            FakeResponse.Json(GeminiThoughtSignatureTests.TextAnswer),
            FakeResponse.Json(GeminiThoughtSignatureTests.TextAnswer));

        var request = await RequestAfterCheckpointAsync(server, GeminiChatClientTests.Client(server));

        var contents = request.GetProperty("contents");
        var call = """{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Bergen"}},"thoughtSignature":"CiQBVKhc7Sig_A0/+x=="}]}""";
        var answer = """{"role":"model","parts":[{"text":"Sunny in Bergen.","thoughtSignature":"Sig_text"}]}""";
        await Assert.That(SameJson(contents[1], call)).IsTrue().Because(contents.GetRawText());
        await Assert.That(SameJson(contents[3], answer)).IsTrue().Because(contents.GetRawText());
    }
}

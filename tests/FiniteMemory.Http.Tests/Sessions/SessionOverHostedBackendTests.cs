using FiniteMemory.Http.Anthropic;
using FiniteMemory.Http.Tests.Anthropic;
using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.Sessions;

/// <summary>A memory session over a real wire protocol: what a broken stream leaves behind.</summary>
public class SessionOverHostedBackendTests
{
    [Test]
    public async Task AStreamCutMidWayLeavesNoPartialAnswerInTheTranscriptAndTheNextTurnWorks()
    {
        var cut = FakeResponse.Sse(AnthropicChatClientTests.StreamedAnswer().Take(5)).ThenCut();
        await using var server = await FakeServer.StartAsync(cut, FakeResponse.Sse(AnthropicChatClientTests.StreamedAnswer()));
        using var client = AnthropicChatClientTests.Client(server);
        var session = new MemorySession(client, new MemoryOptions { Budget = 2000 });
        session.AddSystem("You are terse.");
        var before = session.Transcript.Count;
        var seen = "";

        // The scripted answer calls get_weather: offer it, since a call to a tool nobody offered is refused.
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => "Rain.", "get_weather", "The weather of a city.")] };

        var error = await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in session.ChatStreamingAsync("Weather in Bergen?", options))
            {
                seen += update.Text;
            }
        });

        await Assert.That(seen).IsEqualTo("Checking Bergen.");
        await Assert.That(error!.Message).StartsWith("Anthropic's stream broke before it finished:");
        await Assert.That(session.Transcript.Count).IsEqualTo(before);
        await Assert.That(session.Stats.Turns).IsEqualTo(0);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in session.ChatStreamingAsync("Weather in Bergen?", options))
        {
            updates.Add(update);
        }

        await Assert.That(updates.ToChatResponse().Text).IsEqualTo("Checking Bergen.");
        await Assert.That(session.Stats.Turns).IsEqualTo(1);
        var retried = server.Requests[1].Json.GetProperty("messages");
        await Assert.That(retried.GetArrayLength()).IsEqualTo(1);
        await Assert.That(retried[0].GetProperty("content")[0].GetProperty("text").GetString()).IsEqualTo("Weather in Bergen?");
    }

    [Test]
    public async Task TheProvidersUsageCalibratesTheSessionsTokenCounter()
    {
        await using var server = await FakeServer.StartAsync();
        server.Otherwise = request => FakeResponse.Json(
            $$$"""{"id":"m","model":"claude-test-1","content":[{"type":"text","text":"Noted."}],"stop_reason":"end_turn","usage":{"input_tokens":{{{request.Body.Length / 2}}},"output_tokens":2}}""");
        using var client = AnthropicChatClientTests.Client(server);
        var session = new MemorySession(client, new MemoryOptions { Budget = 4000 });

        for (var turn = 0; turn < 4; turn++)
        {
            await session.ChatAsync($"Remember item {turn}: " + string.Join(' ', Enumerable.Repeat("alpha beta gamma delta", 20)));
        }

        // Half the body length is far more than the local estimate (about four characters a token): the ratio learned is above 1.
        await Assert.That(session.Calibration.Observations).IsGreaterThan(0);
        await Assert.That(session.Calibration.Ratio).IsGreaterThan(1.2);
        await Assert.That(session.Stats.Turns).IsEqualTo(4);
        await Assert.That(server.Requests.Count).IsEqualTo(4);
    }
}

using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.Replicate;

/// <summary>A memory session over Replicate: what an unfinished stream leaves behind, and what the metrics teach the counter.</summary>
public class ReplicateSessionTests
{
    [Test]
    public async Task AStreamEndedWithoutDoneLeavesNoPartialAnswerAndTheNextPromptDoesNotContainIt()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        var streams = 0;
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("starting", stream: true), 201))
            .OnStream(() => Interlocked.Increment(ref streams) == 1
                ? FakeResponse.Sse([SseEvent.Named("output", "Partial answ")])
                : FakeResponse.Sse([SseEvent.Named("output", "Whole answer."), SseEvent.Named("done", "{}")]));
        fake.LastPoll = () => FakeResponse.Json(fake.Prediction("succeeded", output: """["Whole answer."]""", metrics: true));
        using var client = fake.Client();
        var session = new MemorySession(client, new MemoryOptions { Budget = 2000 });
        session.AddSystem("You are terse.");
        var before = session.Transcript.Count;

        await Assert.ThrowsAsync<BackendStreamException>(async () =>
        {
            await foreach (var update in session.ChatStreamingAsync("Explain tides."))
            {
                _ = update;
            }
        });

        await Assert.That(session.Transcript.Count).IsEqualTo(before);
        await Assert.That(session.Stats.Turns).IsEqualTo(0);

        var text = "";
        await foreach (var update in session.ChatStreamingAsync("Explain tides."))
        {
            text += update.Text;
        }

        await Assert.That(text).IsEqualTo("Whole answer.");
        await Assert.That(session.Stats.Turns).IsEqualTo(1);
        var creates = fake.Server.Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/predictions", StringComparison.Ordinal)).ToList();
        await Assert.That(creates.Count).IsEqualTo(2);
        var prompt = creates[1].Json.GetProperty("input").GetProperty("prompt").GetString()!;
        await Assert.That(prompt).DoesNotContain("Partial");
        await Assert.That(prompt).IsEqualTo("<|start_header_id|>user<|end_header_id|>\n\nExplain tides.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
        await Assert.That(creates[1].Json.GetProperty("input").GetProperty("system_prompt").GetString()).IsEqualTo("You are terse.");
    }

    [Test]
    public async Task ThePredictionsTokenCountsCalibrateTheSessionsTokenCounter()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        var inputTokens = 0;
        fake.Server.Otherwise = request =>
        {
            if (request.Method == "POST")
            {
                // Half the prompt's length in characters: far more than the local estimate (about four characters a token).
                inputTokens = request.Json.GetProperty("input").GetProperty("prompt").GetString()!.Length / 2;
            }

            return FakeResponse.Json(fake.Prediction("succeeded", output: """["Noted."]""", metrics: true, inputTokens: inputTokens));
        };
        using var client = fake.Client();
        var session = new MemorySession(client, new MemoryOptions { Budget = 4000 });

        for (var turn = 0; turn < 3; turn++)
        {
            await session.ChatAsync($"Remember item {turn}: " + string.Join(' ', Enumerable.Repeat("alpha beta gamma delta", 20)));
        }

        await Assert.That(session.Calibration.Observations).IsGreaterThan(0);
        await Assert.That(session.Calibration.Ratio).IsGreaterThan(1.2);
        await Assert.That(session.Stats.Turns).IsEqualTo(3);
    }
}

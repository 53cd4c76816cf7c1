using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using FiniteMemory.Policies;

namespace FiniteMemory.Tests.Checkpoints;

/// <summary>The running summary travels with the checkpoint: a model-written summary is not lost or paid for twice.</summary>
public class SummaryCheckpointTests
{
    private static MemoryOptions Options() => new() { Budget = 400, Policy = new RollingSummaryPolicy() };

    private static async Task<MemorySession> SummarizedSessionAsync()
    {
        var session = new MemorySession(Options());
        session.AddSystem("You are a helpful assistant.");
        for (var t = 1; t < 25; t++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"My locker {t} is in building B{t}; the code is {1000 + t}."), id: $"u{t}");
            session.Add(new ChatMessage(ChatRole.Assistant, $"Noted: locker {t}, building B{t}, code {1000 + t}."), id: $"a{t}");
        }

        session.Add(new ChatMessage(ChatRole.User, "Where is locker 2?"), id: "q");
        await session.PrepareAsync();
        return session;
    }

    [Test]
    public async Task ASavedSummaryIsRestoredWithWhatItCoversAndUsedWithoutFoldingAgain()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var session = await SummarizedSessionAsync();
        session.Transcript.TryGetState<RollingSummary>(out var saved);
        await session.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, Options());
        await Assert.That(restored.Transcript.TryGetState<RollingSummary>(out var summary)).IsTrue();
        await Assert.That(summary!.Text).IsEqualTo(saved!.Text);
        await Assert.That(summary.Covered).IsEquivalentTo(saved.Covered);
        await Assert.That(summary.Summarizer).IsEqualTo("extractive");

        var window = await restored.PrepareAsync();
        await Assert.That(window.Stats.SummariesCreated).IsEqualTo(0);
        await Assert.That(window.Messages[1].Message.Text).EndsWith(saved.Text!);
        await Assert.That(window.Report.Summarized).IsEquivalentTo(session.LastWindow!.Report.Summarized);
    }

    [Test]
    public async Task ACheckpointOfFormatVersionOneStillLoads()
    {
        using var dir = new TempDirectory();
        var path = dir.File("v1.json");
        var session = await SummarizedSessionAsync();
        await session.SaveCheckpointAsync(path);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        json["version"] = 1;
        json.Remove("summary");
        await CheckpointFixtures.WriteAsync(path, json);

        var restored = await MemorySession.LoadAsync(path, null, Options());

        await Assert.That(restored.Transcript.Count).IsEqualTo(session.Transcript.Count);
        await Assert.That(restored.Transcript.TryGetState<RollingSummary>(out _)).IsFalse();
    }

    [Test]
    [Arguments("covers", "[\"nope\"]", "covering 'nope'")]
    [Arguments("covers", "[\"q\"]", null)]
    [Arguments("text", "\"\"", "incomplete \"summary\"")]
    [Arguments("folds", "0", "incomplete \"summary\"")]
    public async Task ADamagedSummaryIsRejectedAndTheSessionIsUntouched(string field, string value, string? fragment)
    {
        using var dir = new TempDirectory();
        var path = dir.File("damaged.json");
        var session = await SummarizedSessionAsync();
        await session.SaveCheckpointAsync(path);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        json["summary"]![field] = JsonNode.Parse(value);
        await CheckpointFixtures.WriteAsync(path, json);

        var bystander = await CheckpointFixtures.BystanderAsync();
        var before = bystander.Transcript;

        if (fragment is null)
        {
            // Covering the newest user message is allowed: it is a plain user message of the transcript.
            await bystander.RestoreCheckpointAsync(path);
            await Assert.That(bystander.Transcript).IsNotSameReferenceAs(before);
            return;
        }

        var ex = await Assert.That(() => bystander.RestoreCheckpointAsync(path)).Throws<CheckpointException>();
        await Assert.That(ex!.Message).Contains(fragment);
        await Assert.That(bystander.Transcript).IsSameReferenceAs(before);
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Checkpoints;

/// <summary>
/// Saves racing on one file in one process (review of issue 20, finding F), a file that became unreadable (H), and
/// where a bad element is reported (I).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class CheckpointConcurrencyTests
{
    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Two_sessions_saving_the_same_revision_at_once_in_one_process_give_one_save_and_one_conflict(bool secondThroughALinkedFolder)
    {
        using var dir = new TempDirectory();
        var folder = Directory.CreateDirectory(dir.File("real")).FullName;
        var path = Path.Combine(folder, "shared.json");
        await CheckpointFixtures.ValidCheckpointAsync(path);

        // The same file named through a symlinked folder must share the first name's save gate.
        var secondPath = path;
        if (secondThroughALinkedFolder)
        {
            Directory.CreateSymbolicLink(dir.File("linked"), folder);
            secondPath = Path.Combine(dir.File("linked"), "shared.json");
        }

        var first = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        var second = await MemorySession.LoadAsync(secondPath, null, CheckpointFixtures.Options());
        first.Add(new ChatMessage(ChatRole.User, "Turn of the first session."));
        second.Add(new ChatMessage(ChatRole.User, "Turn of the second session."));

        // The first save, after its revision check and before its rename, starts the second save and lets it run
        // until it either finishes (no atomic check and rename: both pass the check) or has to wait for the first.
        Task? secondSave = null;
        var replacing = 0;
        var secondWaits = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = new CheckpointSaveHooks
        {
            BeforeReplace = _ =>
            {
                if (Interlocked.Increment(ref replacing) == 1)
                {
                    secondSave = Task.Run(() => second.SaveCheckpointAsync(secondPath));
                    Task.WhenAny(secondSave, secondWaits.Task).Wait(TimeSpan.FromSeconds(60));
                }
            },
            Waiting = _ => secondWaits.TrySetResult(),
        };
        CheckpointFile.TestHooks.Value = hooks;
        try
        {
            await first.SaveCheckpointAsync(path);
        }
        finally
        {
            CheckpointFile.TestHooks.Value = null;
        }

        var ex = await Assert.That(async () => await secondSave!.WaitAsync(TimeSpan.FromSeconds(60))).Throws<CheckpointConflictException>();
        await Assert.That(ex!.ExpectedRevision).IsEqualTo(1);
        await Assert.That(ex.ActualRevision).IsEqualTo(2);
        var saved = await File.ReadAllTextAsync(path);
        await Assert.That(saved).Contains("Turn of the first session.");
        await Assert.That(saved).DoesNotContain("Turn of the second session.");
        await Assert.That(JsonNode.Parse(saved)!["revision"]!.GetValue<long>()).IsEqualTo(2);
        await Assert.That(Directory.GetFiles(folder).Select(f => Path.GetFileName(f))).IsEquivalentTo(["shared.json"]);
    }

    [Test]
    public async Task Saves_of_different_files_do_not_wait_for_each_other()
    {
        using var dir = new TempDirectory();
        var one = dir.File("one.json");
        var other = dir.File("other.json");
        var waited = false;
        var replacing = 0;
        Task? otherSave = null;
        CheckpointFile.TestHooks.Value = new CheckpointSaveHooks
        {
            BeforeReplace = target =>
            {
                if (Interlocked.Increment(ref replacing) == 1)
                {
                    // Completes while the first save is between its check and its rename.
                    otherSave = CheckpointFixtures.RichSession().SaveCheckpointAsync(other);
                    otherSave.Wait(TimeSpan.FromSeconds(60));
                }
            },
            Waiting = _ => waited = true,
        };
        try
        {
            await CheckpointFixtures.RichSession().SaveCheckpointAsync(one);
        }
        finally
        {
            CheckpointFile.TestHooks.Value = null;
        }

        await Assert.That(otherSave!.IsCompletedSuccessfully).IsTrue();
        await Assert.That(waited).IsFalse();
        await Assert.That(File.Exists(one) && File.Exists(other)).IsTrue();
    }

    [Test]
    [Arguments("corrupt")]
    [Arguments("empty")]
    [Arguments("unreadable")]
    public async Task A_checkpoint_that_became_unreadable_is_reported_as_unreadable_not_as_a_conflict_and_is_not_overwritten(string damage)
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.json");
        await CheckpointFixtures.ValidCheckpointAsync(path);
        var session = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        session.Add(new ChatMessage(ChatRole.User, "One more."));
        switch (damage)
        {
            case "corrupt":
                await File.WriteAllTextAsync(path, "{\"format\": \"finitememory-checkpoint\", \"revis");
                break;
            case "empty":
                await File.WriteAllTextAsync(path, string.Empty);
                break;
            default:
                break;
        }

        var before = Snapshot(path);

        // Held exclusively (a lock even root cannot read past, unlike mode 0200), so the save cannot read it.
        var held = damage == "unreadable" ? new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None) : null;
        CheckpointException? ex;
        try
        {
            ex = await Assert.That(async () => await session.SaveCheckpointAsync(path)).Throws<CheckpointException>();
        }
        finally
        {
            held?.Dispose();
        }

        await Assert.That(ex).IsNotTypeOf<CheckpointConflictException>();
        await Assert.That(ex!.Message).Contains("unreadable");
        await Assert.That(ex.Message).Contains(path);
        await Assert.That(ex.Message).DoesNotContain("another writer");
        await Assert.That(Snapshot(path)).IsEqualTo(before);
    }

    [Test]
    public async Task A_duplicate_key_deep_in_a_checkpoint_is_reported_at_its_location()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["entries"]![1]!["id"] = "DUPMARK";
        await File.WriteAllTextAsync(path, json.ToJsonString().Replace("\"id\":\"DUPMARK\"", "\"id\":\"x\",\"id\":\"DUPMARK\"", StringComparison.Ordinal));

        var ex = await Assert.That(async () => await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options())).Throws<CheckpointException>();

        await Assert.That(ex!.Message).Contains("has the key \"id\" twice in $.entries[1]:");
    }

    [Test]
    public async Task A_lone_surrogate_deep_in_a_checkpoint_is_reported_at_its_location()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["entries"]![1]!["id"] = "SURMARK";
        await File.WriteAllTextAsync(path, json.ToJsonString().Replace("\"SURMARK\"", "\"\\ud83d\"", StringComparison.Ordinal));

        var ex = await Assert.That(async () => await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options())).Throws<CheckpointException>();

        await Assert.That(ex!.Message).Contains("cannot be decoded in $.entries[1].id (");
    }

    private static string Snapshot(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is { } link ? "link:" + link : File.ReadAllText(path);
    }
}

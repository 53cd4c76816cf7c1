using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Checkpoints;

/// <summary>
/// Saving (issue 20, items 7 and 8): permissions are kept (new files are owner-only), symbolic links are written
/// through, stale temporary files of a killed save are removed, and a file another writer changed is never overwritten.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class CheckpointWriteTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Test]
    public async Task A_new_checkpoint_is_readable_by_its_owner_only()
    {
        using var dir = new TempDirectory();
        var path = dir.File("new.json");

        await CheckpointFixtures.RichSession().SaveCheckpointAsync(path);

        await Assert.That(File.GetUnixFileMode(path)).IsEqualTo(OwnerOnly);
    }

    [Test]
    [Arguments(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [Arguments(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite)]
    public async Task Saving_again_keeps_the_existing_file_mode(UnixFileMode mode)
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var session = CheckpointFixtures.RichSession();
        await session.SaveCheckpointAsync(path);
        File.SetUnixFileMode(path, mode);

        session.Add(new ChatMessage(ChatRole.User, "One more."));
        await session.SaveCheckpointAsync(path);

        await Assert.That(File.GetUnixFileMode(path)).IsEqualTo(mode);
    }

    [Test]
    public async Task A_symlinked_checkpoint_is_written_through_to_its_target_and_stays_a_link()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("real"));
        var target = Path.Combine(dir.File("real"), "session.json");
        var link = dir.File("link.json");
        var session = CheckpointFixtures.RichSession();
        await session.SaveCheckpointAsync(target);
        File.SetUnixFileMode(target, OwnerOnly);
        File.CreateSymbolicLink(link, target);
        var loaded = await MemorySession.LoadAsync(link, null, CheckpointFixtures.Options());

        loaded.Add(new ChatMessage(ChatRole.User, "Written through the link."), id: "through");
        await loaded.SaveCheckpointAsync(link);

        await Assert.That(new FileInfo(link).LinkTarget).IsEqualTo(target);
        await Assert.That(await File.ReadAllTextAsync(target)).Contains("Written through the link.");
        await Assert.That(File.GetUnixFileMode(target)).IsEqualTo(OwnerOnly);
        await Assert.That(dir.FileNames()).IsEquivalentTo(["link.json", "real"]);
        await Assert.That(Directory.GetFiles(dir.File("real")).Select(f => Path.GetFileName(f)!)).IsEquivalentTo(["session.json"]);
    }

    [Test]
    public async Task A_save_removes_stale_temporary_files_of_its_own_checkpoint_only()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.json");
        var stale = dir.File($".c.json.{Guid.NewGuid():N}.tmp");
        var inUse = dir.File($".c.json.{Guid.NewGuid():N}.tmp");
        var otherCheckpoint = dir.File($".other.json.{Guid.NewGuid():N}.tmp");
        var notOurPattern = dir.File(".c.json.backup.tmp");
        foreach (var file in (string[])[stale, inUse, otherCheckpoint, notOurPattern])
        {
            await File.WriteAllTextAsync(file, "partial");
        }

        // A save in progress holds its temporary file open and locked.
        using (new FileStream(inUse, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            await CheckpointFixtures.RichSession().SaveCheckpointAsync(path);
        }

        await Assert.That(File.Exists(stale)).IsFalse();
        await Assert.That(File.Exists(inUse)).IsTrue();
        await Assert.That(File.Exists(otherCheckpoint)).IsTrue();
        await Assert.That(File.Exists(notOurPattern)).IsTrue();
        await Assert.That(File.Exists(path)).IsTrue();
    }

    [Test]
    public async Task A_second_session_saving_over_a_checkpoint_another_saved_meanwhile_gets_a_conflict_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        var path = dir.File("shared.json");
        await CheckpointFixtures.ValidCheckpointAsync(path);
        var first = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        var second = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        first.Add(new ChatMessage(ChatRole.User, "Turn of the first process."));
        await first.SaveCheckpointAsync(path);
        var saved = await File.ReadAllTextAsync(path);
        second.Add(new ChatMessage(ChatRole.User, "Turn of the second process."));

        var ex = await Assert.That(async () => await second.SaveCheckpointAsync(path)).Throws<CheckpointConflictException>();

        await Assert.That(ex!.Message).Contains("another writer");
        await Assert.That(ex.ExpectedRevision).IsEqualTo(1);
        await Assert.That(ex.ActualRevision).IsEqualTo(2);
        await Assert.That(await File.ReadAllTextAsync(path)).IsEqualTo(saved);
        await Assert.That(Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)!)).IsEquivalentTo(["shared.json"]);
    }

    [Test]
    public async Task One_session_saving_after_every_turn_increments_the_revision_without_conflicts()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.json");
        var session = CheckpointFixtures.RichSession();

        for (var turn = 1; turn <= 3; turn++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"Turn {turn}."));
            await session.SaveCheckpointAsync(path);
            var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
            await Assert.That(json["revision"]!.GetValue<long>()).IsEqualTo(turn);
            await Assert.That(json["version"]!.GetValue<int>()).IsEqualTo(CheckpointDocument.CurrentVersion);
        }
    }

    [Test]
    [Arguments(1, false)]
    [Arguments(2, false)]
    [Arguments(2, true)]
    public async Task A_file_of_an_older_format_version_still_loads_and_saves(int version, bool large)
    {
        using var dir = new TempDirectory();
        var path = dir.File("old.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json.Remove("revision");
        json.Remove("etag");
        json["version"] = version;
        if (version == 1)
        {
            json.Remove("summary");
        }

        if (large)
        {
            // Larger than the prefix a save reads to find the revision, which an old file does not have.
            var entry = json["entries"]![2]!.DeepClone().AsObject();
            entry["id"] = "long";
            entry["message"]!["contents"]![0]!["text"] = new string('x', 200_000);
            json["entries"]!.AsArray().Add(entry);
        }

        await CheckpointFixtures.WriteAsync(path, json);

        var session = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        session.Add(new ChatMessage(ChatRole.User, "Continued after the upgrade."));
        await session.SaveCheckpointAsync(path);

        var saved = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        await Assert.That(saved["revision"]!.GetValue<long>()).IsEqualTo(1);
        await Assert.That(saved["version"]!.GetValue<int>()).IsEqualTo(CheckpointDocument.CurrentVersion);
    }

    [Test]
    public async Task An_older_version_file_replaced_by_another_writer_after_loading_is_a_conflict()
    {
        using var dir = new TempDirectory();
        var path = dir.File("old.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json.Remove("revision");
        json.Remove("etag");
        json["version"] = 2;
        await CheckpointFixtures.WriteAsync(path, json);
        var stale = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        var other = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        await other.SaveCheckpointAsync(path);

        await Assert.That(async () => await stale.SaveCheckpointAsync(path)).Throws<CheckpointConflictException>();
    }
}

using FiniteMemory.Generators.Tests.Support;
using TUnit.Assertions.Exceptions;

namespace FiniteMemory.Generators.Tests;

/// <summary>The snapshot helper itself: it passes on equal text, and on a difference it fails with a line diff and leaves the received text beside the snapshot.</summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fm-snapshots-").FullName;

    [Test]
    public async Task EqualTextPassesWhateverTheLineEndingsAndRemovesAStaleReceivedFile()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "Case.verified.txt"), "one\r\ntwo\r\n");
        await File.WriteAllTextAsync(Path.Combine(_directory, "Case.received.txt"), "stale");

        await Snapshot.Verify("one\ntwo\n", _directory, "Case", accept: false);

        await Assert.That(File.Exists(Path.Combine(_directory, "Case.received.txt"))).IsFalse();
    }

    [Test]
    public async Task ADifferenceFailsWithALineDiffAndWritesTheReceivedFile()
    {
        var lines = Enumerable.Range(1, 12).Select(i => "line " + i).ToList();
        await File.WriteAllTextAsync(Path.Combine(_directory, "Case.verified.txt"), string.Join("\n", lines));
        lines[5] = "line six, changed";
        var actual = string.Join("\n", lines);

        var error = await Assert.ThrowsAsync<AssertionException>(() => Snapshot.Verify(actual, _directory, "Case", accept: false));

        await Assert.That(error!.Message).Contains("- 0006 | line 6\n+ 0006 | line six, changed\n");
        await Assert.That(error.Message).Contains("  0004 | line 4\n");
        await Assert.That(error.Message).DoesNotContain("line 1\n");
        await Assert.That(error.Message).Contains("FM_ACCEPT_SNAPSHOTS=1");
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(_directory, "Case.received.txt"))).IsEqualTo(actual);
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(_directory, "Case.verified.txt"))).IsNotEqualTo(actual);
    }

    [Test]
    public async Task AMissingSnapshotFailsAndAcceptingWritesIt()
    {
        var error = await Assert.ThrowsAsync<AssertionException>(() => Snapshot.Verify("new text\n", _directory, "Fresh", accept: false));
        await Assert.That(error!.Message).Contains("No snapshot");
        await Assert.That(File.Exists(Path.Combine(_directory, "Fresh.received.txt"))).IsTrue();

        await Snapshot.Verify("new text\n", _directory, "Fresh", accept: true);

        await Assert.That(await File.ReadAllTextAsync(Path.Combine(_directory, "Fresh.verified.txt"))).IsEqualTo("new text\n");
        await Assert.That(File.Exists(Path.Combine(_directory, "Fresh.received.txt"))).IsFalse();
        await Snapshot.Verify("new text\n", _directory, "Fresh", accept: false);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

using System.Runtime.CompilerServices;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>
/// Compares text with a committed <c>Snapshots/&lt;Test&gt;.verified.txt</c> next to the calling test file (Verify
/// is not available here). On a mismatch it writes <c>&lt;Test&gt;.received.txt</c> beside it and fails with a
/// line diff; with <c>FM_ACCEPT_SNAPSHOTS=1</c> it overwrites the verified file instead.
/// </summary>
internal static class Snapshot
{
    /// <summary>The environment variable that accepts new snapshots.</summary>
    public const string AcceptVariable = "FM_ACCEPT_SNAPSHOTS";

    /// <summary>Fails unless <paramref name="actual"/> equals the test's verified snapshot (line endings ignored).</summary>
    public static Task Verify(string actual, [CallerFilePath] string callerFile = "", [CallerMemberName] string test = "") =>
        Verify(actual, Path.Combine(Path.GetDirectoryName(callerFile) ?? string.Empty, "Snapshots"), test, Environment.GetEnvironmentVariable(AcceptVariable) == "1");

    /// <summary>Compares <paramref name="actual"/> with <c>&lt;name&gt;.verified.txt</c> in <paramref name="directory"/>, or accepts it as the new snapshot.</summary>
    public static async Task Verify(string actual, string directory, string name, bool accept)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"The snapshot folder '{directory}' does not exist: snapshots are found through the test's source path, so run the tests from a build of this source tree.");
        }

        var verified = Path.Combine(directory, name + ".verified.txt");
        var received = Path.Combine(directory, name + ".received.txt");
        actual = Normalize(actual);

        if (accept)
        {
            await File.WriteAllTextAsync(verified, actual);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(verified) ? Normalize(await File.ReadAllTextAsync(verified)) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        await File.WriteAllTextAsync(received, actual);
        var reason = expected is null
            ? $"No snapshot {verified} yet. Wrote what was generated to {received}; review it and rename it, or run with {AcceptVariable}=1."
            : $"The generated text differs from {verified} (- verified, + received). Wrote it to {received}; if the change is intended, run with {AcceptVariable}=1.\n{LineDiff.Describe(expected, actual)}";
        Assert.Fail(reason);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}

namespace FiniteMemory;

/// <summary>
/// One save at a time per checkpoint file in this process: held from the revision check to the rename, so the check
/// and the replacement act as one step for every session in the process.
/// </summary>
internal static class SaveGate
{
    // Case-insensitive where the file systems usually are, so two spellings of one file share a gate.
    private static readonly Dictionary<string, Gate> Gates = new(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>Waits until no other save of <paramref name="target"/> in this process is between its check and its rename.</summary>
    public static async Task<Releaser> EnterAsync(string target, CancellationToken cancellationToken)
    {
        // Two sessions may name one file through different folders (a symlinked folder, /tmp and /private/tmp on
        // macOS): the gate is keyed by the file's real folder, or the check and the rename would not be one step.
        target = Path.Combine(RealDirectory(Path.GetDirectoryName(Path.GetFullPath(target)) ?? string.Empty, depth: 0), Path.GetFileName(target));
        Gate gate;
        lock (Gates)
        {
            if (!Gates.TryGetValue(target, out gate!))
            {
                gate = new Gate();
                Gates.Add(target, gate);
            }

            gate.Users++;
        }

        try
        {
            if (!gate.Semaphore.Wait(0, CancellationToken.None))
            {
                CheckpointFile.TestHooks.Value?.Waiting?.Invoke(target);
                await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            Leave(target, gate, release: false);
            throw;
        }

        return new Releaser(target, gate);
    }

    // The folder with every symbolic link along its path resolved (what realpath gives); a folder that cannot be
    // inspected is taken as spelled, which at worst gives it a gate of its own.
    private static string RealDirectory(string directory, int depth)
    {
        var root = Path.GetPathRoot(directory);
        if (string.IsNullOrEmpty(root) || depth > 40)
        {
            return directory;
        }

        var current = root;
        var parts = directory[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            try
            {
                if (new DirectoryInfo(next).LinkTarget is not null && Directory.ResolveLinkTarget(next, returnFinalTarget: true) is { } resolved)
                {
                    // The target may itself sit below links: resolve it again, then go on with the rest of the path.
                    var rest = parts.Length > i + 1 ? Path.Combine(parts[(i + 1)..]) : string.Empty;
                    return Path.Combine(RealDirectory(resolved.FullName, depth + 1), rest).TrimEnd(Path.DirectorySeparatorChar);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return directory;
            }

            current = next;
        }

        return current;
    }

    // Entries are removed when no save uses them, so the table holds only files being saved right now.
    private static void Leave(string target, Gate gate, bool release)
    {
        if (release)
        {
            gate.Semaphore.Release();
        }

        lock (Gates)
        {
            if (--gate.Users == 0)
            {
                Gates.Remove(target);
                gate.Semaphore.Dispose();
            }
        }
    }

    internal sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    /// <summary>Leaves the gate when disposed.</summary>
    internal readonly struct Releaser : IDisposable
    {
        private readonly string _target;
        private readonly Gate _gate;

        internal Releaser(string target, Gate gate)
        {
            _target = target;
            _gate = gate;
        }

        public void Dispose() => Leave(_target, _gate, release: true);
    }
}

/// <summary>Test seams of <see cref="CheckpointFile.WriteAsync"/>, set per async flow through <see cref="CheckpointFile.TestHooks"/>.</summary>
internal sealed class CheckpointSaveHooks
{
    /// <summary>Called with the target after the revision check passed, before the file is replaced.</summary>
    public Action<string>? BeforeReplace { get; init; }

    /// <summary>Called with the target when a save must wait for another save of the same file in this process.</summary>
    public Action<string>? Waiting { get; init; }
}

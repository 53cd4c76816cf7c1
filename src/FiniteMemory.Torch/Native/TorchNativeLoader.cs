using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace FiniteMemory.Torch.Native;

/// <summary>
/// Makes TorchSharp's native library load on Linux systems whose libstdc++ is older than the one it was built with.
/// </summary>
/// <remarks>
/// TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> was linked by GCC 13 and so requires the version
/// <c>GLIBCXX_3.4.32</c> from libstdc++; Debian 12 (GCC 12) provides up to 3.4.30, so the first tensor operation
/// fails with a <see cref="TypeInitializationException"/>. The only symbol behind that version is
/// <c>std::ios_base_library_init()</c>, a marker nothing relocates to. When the library does not load as shipped,
/// this class writes a copy whose requirement is marked weak (the loader then accepts its absence) to a cache folder
/// keyed by the original's hash, loads the libtorch libraries next to the original (the copy finds them by soname),
/// loads the copy, and routes TorchSharp's <c>LibTorchSharp</c> imports to it with a DllImport resolver. Systems whose
/// libstdc++ is new enough load the original and nothing is patched.
/// </remarks>
internal static unsafe class TorchNativeLoader
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> WeakVersions = new(StringComparer.Ordinal) { "GLIBCXX_3.4.32" };
    private static IntPtr _handle;
    private static delegate* unmanaged<IntPtr, IntPtr> _data;
    private static bool _done;

    /// <summary>The library TorchSharp uses: the original, or the patched copy.</summary>
    public static string? LoadedPath { get; private set; }

    /// <summary>Whether the patched copy is in use.</summary>
    public static bool Patched { get; private set; }

    /// <summary>Prepares the native library once per process; call before the first TorchSharp call.</summary>
    /// <exception cref="DllNotFoundException">The library could not be loaded even patched; the message says what was tried.</exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_done)
            {
                return;
            }

            if (OperatingSystem.IsLinux())
            {
                LoadOnLinux();
            }

            torch.InitializeDeviceType(DeviceType.CPU);
            if (_handle == IntPtr.Zero)
            {
                _handle = NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
            }

            _data = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(_handle, "THSTensor_data");
            _done = true;
        }
    }

    private static void LoadOnLinux()
    {
        var original = FindOriginal()
            ?? throw new DllNotFoundException("libLibTorchSharp.so was not found next to the application or in runtimes/linux-x64/native. Reference the TorchSharp and libtorch-cpu-linux-x64 packages.");
        var folder = Path.GetDirectoryName(original)!;

        // libtorch first: the patched copy lives elsewhere and finds these by soname once they are loaded.
        foreach (var dependency in (ReadOnlySpan<string>)["libc10.so", "libtorch_cpu.so", "libtorch.so"])
        {
            var path = Path.Combine(folder, dependency);
            if (!File.Exists(path) || !NativeLibrary.TryLoad(path, out _))
            {
                throw new DllNotFoundException($"The libtorch library '{path}' is missing or does not load. Reference the libtorch-cpu-linux-x64 package (it places libtorch next to libLibTorchSharp.so).");
            }
        }

        if (NativeLibrary.TryLoad(original, out _handle))
        {
            LoadedPath = original;
            return;
        }

        var bytes = File.ReadAllBytes(original);
        var changed = ElfVersionPatcher.MarkWeak(bytes, WeakVersions);
        var digest = SHA256.HashData(bytes);
        var cache = Path.Combine(PatchRoot(), Convert.ToHexStringLower(digest)[..16]);
        var patched = Path.Combine(cache, "libLibTorchSharp.so");

        // A copy already there is loaded only if it is exactly the patched library: native code from a file someone
        // else could have written must never run in this process.
        if (!File.Exists(patched) || !SHA256.HashData(File.ReadAllBytes(patched)).AsSpan().SequenceEqual(digest))
        {
            CreatePrivateDirectory(cache);
            var temp = patched + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, patched, overwrite: true);
        }

        if (!NativeLibrary.TryLoad(patched, out _handle))
        {
            throw new DllNotFoundException(
                $"libLibTorchSharp.so does not load as shipped ('{original}'), nor with {changed} version requirement(s) ({string.Join(", ", WeakVersions)}) marked weak ('{patched}'). " +
                "The system's libstdc++ is probably older than libtorch needs; install a newer libstdc++6 (GCC 13 or later).");
        }

        LoadedPath = patched;
        Patched = true;
        NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, Resolve);
    }

    /// <summary>
    /// The address of a contiguous CPU tensor's first element (libtorch's <c>THSTensor_data</c>), to copy weights
    /// in and logits out without an intermediate array; TorchSharp 0.107 has no public accessor for it.
    /// </summary>
    public static IntPtr DataPointer(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.is_contiguous())
        {
            throw new ArgumentException("The tensor must be contiguous.", nameof(tensor));
        }

        return _data(tensor.Handle);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name.Contains("LibTorchSharp", StringComparison.Ordinal) ? _handle : IntPtr.Zero;

    private static string? FindOriginal()
    {
        const string Name = "libLibTorchSharp.so";
        var torchDir = Path.GetDirectoryName(typeof(torch).Assembly.Location);
        string?[] roots = [AppContext.BaseDirectory, torchDir, torchDir is null ? null : Path.Combine(torchDir, "..", "..")];
        foreach (var root in roots)
        {
            if (root is null)
            {
                continue;
            }

            foreach (var candidate in (ReadOnlySpan<string>)[Path.Combine(root, Name), Path.Combine(root, "runtimes", "linux-x64", "native", Name)])
            {
                if (File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }

    // Where patched copies live: the user's own cache folder (not a shared temp folder), private to the user.
    private static string PatchRoot()
    {
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cacheHome))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            cacheHome = string.IsNullOrEmpty(home) ? Path.Combine(Path.GetTempPath(), "finitememory-" + Environment.UserName) : Path.Combine(home, ".cache");
        }

        return Path.Combine(cacheHome, "finitememory-torch");
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

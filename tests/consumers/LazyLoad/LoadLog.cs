using System.Collections.Concurrent;

namespace LazyLoad;

/// <summary>
/// What the process has loaded: managed assemblies (in the order <see cref="AppDomain.AssemblyLoad"/> reported them,
/// each tagged with the phase it happened in) and native libraries (the files mapped into the process, from
/// <c>/proc/self/maps</c>).
/// </summary>
internal sealed class LoadLog
{
    private readonly ConcurrentQueue<(string Phase, string Assembly)> _events = new();
    private volatile string _phase = "start";

    /// <summary>Subscribes to <see cref="AppDomain.AssemblyLoad"/>; call first thing.</summary>
    public LoadLog()
    {
        Initial = [.. AppDomain.CurrentDomain.GetAssemblies().Select(static a => a.GetName().Name ?? "?")];
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => _events.Enqueue((_phase, e.LoadedAssembly.GetName().Name ?? "?"));
    }

    /// <summary>The assemblies loaded before the subscription (the runtime's, this app's, and what its module initializers loaded).</summary>
    public IReadOnlyList<string> Initial { get; }

    /// <summary>Load events so far, in order, with their phase.</summary>
    public IReadOnlyList<(string Phase, string Assembly)> Events => [.. _events];

    /// <summary>Names the phase the next loads belong to.</summary>
    public void Enter(string phase) => _phase = phase;

    /// <summary>Whether an assembly of that name is loaded now.</summary>
    public static bool IsLoaded(string assembly) =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => string.Equals(a.GetName().Name, assembly, StringComparison.Ordinal));

    /// <summary>The file names of the native libraries mapped into this process whose name starts with one of <paramref name="prefixes"/>.</summary>
    public static IReadOnlyList<string> MappedLibraries(params string[] prefixes) =>
        [.. File.ReadLines("/proc/self/maps")
            .Select(static line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(static fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(static fields => Path.GetFileName(fields[5].Trim()))
            .Where(name => prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
}

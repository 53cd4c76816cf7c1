using System.Reflection;
using System.Runtime.Loader;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>
/// Loads compiled test assemblies so that they can reference each other by name (an app compiled against a
/// library's image finds that library here), while FiniteMemory.Core and the framework come from the
/// default context, shared with the tests: a policy the test creates is the same <c>IMemoryPolicy</c> type the
/// test's <c>MemorySession</c> runs.
/// </summary>
internal sealed class TestLoadContext() : AssemblyLoadContext("FiniteMemory.Generators.Tests", isCollectible: false)
{
    private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.Ordinal);

    /// <summary>Loads an assembly image into this context.</summary>
    public Assembly Load(byte[] image)
    {
        using var stream = new MemoryStream(image, writable: false);
        var assembly = LoadFromStream(stream);
        lock (_loaded)
        {
            _loaded[assembly.GetName().Name!] = assembly;
        }

        return assembly;
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        lock (_loaded)
        {
            return _loaded.GetValueOrDefault(assemblyName.Name ?? string.Empty);
        }
    }
}

using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace FiniteMemory.Readme.Tests.Support;

/// <summary>
/// The assemblies a README snippet is compiled against, found once: the .NET runtime, every FiniteMemory package
/// this test project references (each src/ project), and everything those reference, transitively — what an
/// application referencing all the packages sees. The test framework, Roslyn and the generator are left out.
/// </summary>
internal static class SnippetReferences
{
    /// <summary>The FiniteMemory package assemblies among the references, by simple name, in ordinal order.</summary>
    public static IReadOnlyList<string> Packages { get; private set; } = [];

    /// <summary>The metadata references, shared by every snippet (reading metadata is the slow part of a compilation).</summary>
    public static ImmutableArray<MetadataReference> All { get; } = Create();

    private static ImmutableArray<MetadataReference> Create()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(path => Path.GetFileNameWithoutExtension(path), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var self = typeof(SnippetReferences).Assembly.GetName().Name!;

        Packages =
        [
            .. trusted.Keys
                .Where(name => (name == "FiniteMemory" || name.StartsWith("FiniteMemory.", StringComparison.Ordinal))
                    && name != "FiniteMemory.Generators"
                    && name != self)
                .Order(StringComparer.Ordinal),
        ];

        var chosen = new HashSet<string>(trusted.Values.Where(path => string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal)), StringComparer.Ordinal);
        var pending = new Queue<string>(Packages.Select(name => trusted[name]));
        foreach (var path in pending)
        {
            chosen.Add(path);
        }

        while (pending.TryDequeue(out var path))
        {
            foreach (var name in ReferencedAssemblies(path))
            {
                if (trusted.TryGetValue(name, out var dependency) && chosen.Add(dependency))
                {
                    pending.Enqueue(dependency);
                }
            }
        }

        return [.. chosen.Order(StringComparer.Ordinal).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }

    private static List<string> ReferencedAssemblies(string path)
    {
        using var stream = File.OpenRead(path);
        using var image = new PEReader(stream);
        var metadata = image.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))];
    }
}

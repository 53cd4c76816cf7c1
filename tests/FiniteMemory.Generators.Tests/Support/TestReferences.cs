using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.AI;
using FiniteMemory.Stages;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>
/// The metadata references test compilations are built against, created once: reading an assembly's metadata
/// is the slow part of a compilation, and a shared reference object reads it only once for every test.
/// </summary>
internal static class TestReferences
{
    /// <summary>Everything this test process can load (the trusted platform assemblies) and FiniteMemory.Core, less the test assembly itself.</summary>
    public static ImmutableArray<MetadataReference> All { get; } = Create(includeApplication: true);

    /// <summary>The .NET runtime's own assemblies plus FiniteMemory.Core and Microsoft.Extensions.AI.Abstractions: what a minimal FiniteMemory user references.</summary>
    public static ImmutableArray<MetadataReference> CoreOnly { get; } = Create(includeApplication: false);

    private static ImmutableArray<MetadataReference> Create(bool includeApplication)
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var self = typeof(TestReferences).Assembly.Location;
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => includeApplication || string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal));
        return
        [
            .. trusted
                .Concat([typeof(MemoryFrame).Assembly.Location, typeof(IChatClient).Assembly.Location])
                .Where(path => !string.Equals(path, self, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)),
        ];
    }
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FiniteMemory.Generators.Support;

/// <summary>Where a diagnostic goes, as plain values (a <see cref="Location"/> holds its syntax tree alive and breaks caching).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

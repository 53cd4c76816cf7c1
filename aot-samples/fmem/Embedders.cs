using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Cli;

/// <summary>
/// The embedders fmem can hand to memory policies, by the name <c>--embedder</c> takes. An entry without a factory
/// is known but not part of this build (it needs a package fmem does not reference yet); asking for it is a clear
/// error rather than an unknown name.
/// </summary>
internal static class Embedders
{
    /// <summary>The default: no embedder.</summary>
    public const string None = "none";

    private static readonly Embedder[] Known =
    [
        new(None, "no embedder: policies score relevance lexically (BM25)", static () => null),
        new("minilm", "all-MiniLM-L6-v2 sentence embeddings, offline through ONNX Runtime (FiniteMemory.Onnx)", Create: null),
    ];

    /// <summary>Every known name, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Known.Select(static e => e.Name)];

    /// <summary>Creates the embedder named <paramref name="name"/> (null for <c>none</c>); on failure <paramref name="error"/> says why and what to use.</summary>
    public static bool TryCreate(string name, out IEmbeddingGenerator<string, Embedding<float>>? embedder, [NotNullWhen(false)] out string? error)
    {
        embedder = null;
        var entry = Array.Find(Known, e => string.Equals(e.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            error = $"unknown embedder '{name}'. Known embedders: {string.Join(", ", Names)}.";
            return false;
        }

        if (entry.Create is null)
        {
            error = $"embedder '{entry.Name}' ({entry.Description}) is not available in this build of fmem; use --embedder {None}.";
            return false;
        }

        embedder = entry.Create();
        error = null;
        return true;
    }

    /// <summary>One named embedder: a null <paramref name="Create"/> means it is not in this build.</summary>
    private sealed record Embedder(string Name, string Description, Func<IEmbeddingGenerator<string, Embedding<float>>?>? Create);
}

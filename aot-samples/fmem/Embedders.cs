using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using FiniteMemory.Onnx.Embeddings;

namespace FiniteMemory.Cli;

/// <summary>
/// The embedders fmem can hand to memory policies, by the name <c>--embedder</c> takes. An entry without a factory
/// would be known but not part of this build; asking for it is a clear error rather than an unknown name.
/// </summary>
internal static class Embedders
{
    /// <summary>The default: no embedder.</summary>
    public const string None = "none";

    private static readonly Embedder[] Known =
    [
        new(None, "no embedder: policies score relevance lexically (BM25)", static () => null),
        new("minilm", "all-MiniLM-L6-v2 sentence embeddings, offline through ONNX Runtime (FiniteMemory.Onnx)", static () => MiniLmEmbedder.Shared),
    ];

    /// <summary>Every known name, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Known.Select(static e => e.Name)];

    /// <summary>Whether <paramref name="name"/> is an embedder of this build; if not, <paramref name="error"/> says why and what to use. Creates nothing.</summary>
    public static bool IsAvailable(string name, [NotNullWhen(false)] out string? error) => Find(name, out error) is not null;

    /// <summary>
    /// Creates the embedder named <paramref name="name"/> (null for <c>none</c>) on a worker thread — loading a model
    /// takes a second, which the caller overlaps with reading its input — and checks that it works (a model that
    /// cannot load, or an ONNX Runtime library missing beside fmem, fails here with a clear error rather than
    /// quietly leaving the policies lexical).
    /// </summary>
    public static async Task<(IEmbeddingGenerator<string, Embedding<float>>? Embedder, string? Error)> StartAsync(string name, CancellationToken cancellationToken)
    {
        if (Find(name, out var error) is not { } entry)
        {
            return (null, error);
        }

        if (entry.Name == None)
        {
            // The default: nothing to load, so nothing to put on another thread on the cold-start path.
            return (null, null);
        }

        try
        {
            var embedder = await Task.Run(entry.Create!, cancellationToken).ConfigureAwait(false);
            if (embedder is not null)
            {
                await embedder.GenerateAsync(["fmem"], cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return (embedder, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var cause = ex is TypeInitializationException { InnerException: { } inner } ? inner : ex;
            return (null, $"embedder '{name.Trim()}' could not start ({FiniteMemory.Http.ExceptionText.Describe(cause)}). Its ONNX Runtime libraries (libonnxruntime.so) must be next to fmem; publish fmem with 'dotnet publish aot-samples/fmem', or use --embedder {None}.");
        }
    }

    // The known embedder of that name with a factory in this build, or null and why not.
    private static Embedder? Find(string name, [NotNullWhen(false)] out string? error)
    {
        var entry = Array.Find(Known, e => string.Equals(e.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            error = $"unknown embedder '{name}'. Known embedders: {string.Join(", ", Names)}.";
            return null;
        }

        if (entry.Create is null)
        {
            error = $"embedder '{entry.Name}' ({entry.Description}) is not available in this build of fmem; use --embedder {None}.";
            return null;
        }

        error = null;
        return entry;
    }

    /// <summary>One named embedder: a null <paramref name="Create"/> means it is not in this build.</summary>
    private sealed record Embedder(string Name, string Description, Func<IEmbeddingGenerator<string, Embedding<float>>?>? Create);
}

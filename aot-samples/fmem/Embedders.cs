using System.CommandLine;
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

    /// <summary>The offline all-MiniLM-L6-v2 embedder, the one that reads a model folder (<c>--model-dir</c>).</summary>
    public const string MiniLm = "minilm";

    /// <summary>The option naming the model folder.</summary>
    public const string ModelDirectoryOption = "--model-dir";

    private static readonly Embedder[] Known =
    [
        new(None, "no embedder: policies score relevance lexically (BM25)", static _ => null),

        // The model is read from models/all-MiniLM-L6-v2 beside fmem (published there by FiniteMemory.Models.MiniLM),
        // or from --model-dir; nothing is read unless this embedder is asked for. An embedder over --model-dir lives as
        // long as the command, so it is not disposed.
        new(MiniLm, "all-MiniLM-L6-v2 sentence embeddings, offline through ONNX Runtime (FiniteMemory.Onnx)", static directory => directory is null ? MiniLmEmbedder.Shared : new MiniLmEmbedder(new MiniLmEmbedderOptions { ModelDirectory = directory }), ReadsModelDirectory: true),
    ];

    /// <summary>Every known name, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Known.Select(static e => e.Name)];

    /// <summary><c>--model-dir DIR</c>, as every command that takes <c>--embedder</c> offers it.</summary>
    public static Option<string?> CreateModelDirectoryOption() => new(ModelDirectoryOption)
    {
        Description = $"With --embedder {MiniLm}: the folder holding all-MiniLM-L6-v2's model.onnx and vocab.txt (default: models/all-MiniLM-L6-v2 beside fmem).",
    };

    /// <summary>
    /// Whether <paramref name="name"/> is an embedder of this build and <paramref name="modelDirectory"/> (from
    /// <c>--model-dir</c>, null when not given) applies to it; if not, <paramref name="error"/> says why and what to use.
    /// Creates nothing.
    /// </summary>
    public static bool IsAvailable(string name, string? modelDirectory, [NotNullWhen(false)] out string? error)
    {
        var entry = Find(name, out var unknown);
        error = entry is null ? unknown
            : modelDirectory is null ? null
            : !entry.ReadsModelDirectory ? $"{ModelDirectoryOption} applies only to --embedder {MiniLm} (the embedder is '{entry.Name}')."
            : string.IsNullOrWhiteSpace(modelDirectory) ? $"{ModelDirectoryOption} is empty; name the folder holding all-MiniLM-L6-v2's model.onnx and vocab.txt."
            : null;
        if (error is not null)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// Creates the embedder named <paramref name="name"/> (null for <c>none</c>) on a worker thread — loading a model
    /// takes a second, which the caller overlaps with reading its input — and checks that it works (a model that
    /// cannot load, is not there, or an ONNX Runtime library missing beside fmem, fails here with a clear error rather
    /// than quietly leaving the policies lexical).
    /// </summary>
    public static async Task<(IEmbeddingGenerator<string, Embedding<float>>? Embedder, string? Error)> StartAsync(string name, string? modelDirectory, CancellationToken cancellationToken)
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
            var embedder = await Task.Run(() => entry.Create!(modelDirectory), cancellationToken).ConfigureAwait(false);
            if (embedder is not null)
            {
                await embedder.GenerateAsync(["fmem"], cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return (embedder, null);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            var folder = Path.GetFullPath(modelDirectory ?? MiniLmEmbedderOptions.DefaultModelDirectory);
            var what = ex is FileNotFoundException { FileName: { } file } ? $"no {Path.GetFileName(file)}" : "the folder does not exist";
            return (null, $"embedder '{entry.Name}' found no all-MiniLM-L6-v2 model in '{folder}' ({what}). Put models/all-MiniLM-L6-v2 beside fmem ('dotnet publish aot-samples/fmem' and the FiniteMemory.Cli tool both do), or pass {ModelDirectoryOption} DIR holding model.onnx and vocab.txt.");
        }
        catch (InvalidDataException ex)
        {
            return (null, $"embedder '{entry.Name}' could not load its model: {FiniteMemory.Http.ExceptionText.Describe(ex)}");
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

    /// <summary>
    /// One named embedder: a null <paramref name="Create"/> means it is not in this build; it takes the model folder
    /// of <c>--model-dir</c> (null when not given) when <paramref name="ReadsModelDirectory"/>.
    /// </summary>
    private sealed record Embedder(string Name, string Description, Func<string?, IEmbeddingGenerator<string, Embedding<float>>?>? Create, bool ReadsModelDirectory = false);
}

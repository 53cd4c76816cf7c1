namespace FiniteMemory.Onnx.Embeddings;

/// <summary>How a <see cref="MiniLmEmbedder"/> runs the model.</summary>
public sealed class MiniLmEmbedderOptions
{
    /// <summary>The default <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>
    /// The folder the model is read from when <see cref="ModelDirectory"/> is null: <c>models/all-MiniLM-L6-v2</c> under
    /// <see cref="AppContext.BaseDirectory"/>, where the FiniteMemory.Models.MiniLM package copies it on build and publish.
    /// </summary>
    public static string DefaultModelDirectory => Path.Combine(AppContext.BaseDirectory, "models", MiniLmEmbedder.ModelId);

    /// <summary>
    /// The folder holding the model's <c>model.onnx</c> and <c>vocab.txt</c>; null (the default) means
    /// <see cref="DefaultModelDirectory"/>. A relative path is resolved against the current directory. Embedders over
    /// the same folder share its vocabulary.
    /// </summary>
    public string? ModelDirectory { get; init; }

    /// <summary>
    /// How many texts go through the model in one run (at least 1; 32 by default). Each batch is padded to its own
    /// longest text, and texts are sorted by length within a call, so larger batches cost little padding.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// The threads ONNX Runtime uses inside one model run; 0 (the default) lets ONNX Runtime choose (one per
    /// physical core). Set 1 to leave the other cores to concurrent callers.
    /// </summary>
    public int IntraOpThreads { get; init; }

    internal void Validate()
    {
        if (ModelDirectory is not null && string.IsNullOrWhiteSpace(ModelDirectory))
        {
            throw new ArgumentException($"{nameof(MiniLmEmbedderOptions)}.{nameof(ModelDirectory)} is empty: leave it null for models/all-MiniLM-L6-v2 beside the app, or name a folder holding model.onnx and vocab.txt.", nameof(ModelDirectory));
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{nameof(MiniLmEmbedderOptions)}.{nameof(BatchSize)} must be at least 1 (the default is {DefaultBatchSize}).");
        }

        if (IntraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, $"{nameof(MiniLmEmbedderOptions)}.{nameof(IntraOpThreads)} must be 0 (ONNX Runtime chooses) or a positive thread count.");
        }
    }
}

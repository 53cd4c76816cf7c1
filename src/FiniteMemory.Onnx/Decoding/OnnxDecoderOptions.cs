namespace FiniteMemory.Onnx.Decoding;

/// <summary>How an <see cref="OnnxCausalLanguageModel"/> is loaded and run.</summary>
public sealed class OnnxDecoderOptions
{
    /// <summary>The graph's file name inside the model folder when none is given.</summary>
    public const string DefaultModelFile = "model.onnx";

    /// <summary>
    /// The ONNX graph to load: a path relative to the model folder, or absolute. <c>model.onnx</c> by default. It must be
    /// a decoder exported with its key/value cache as inputs and outputs (Hugging Face Optimum's
    /// <c>decoder_with_past</c> layout, which Optimum writes as <c>model.onnx</c> for <c>text-generation-with-past</c>).
    /// </summary>
    public string ModelFile { get; init; } = DefaultModelFile;

    /// <summary>
    /// The threads ONNX Runtime uses inside one forward pass; 0 (the default) lets ONNX Runtime choose (one per
    /// physical core).
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// How many prompt tokens one forward pass runs when only the last position's logits are wanted (256 by default).
    /// The graph computes logits for every position it is given, so a 2,048-token prompt of a 150k-token vocabulary
    /// in one pass would need 1.2 GB for them; in pieces of 256 it needs 150 MB, and the key/value cache carries each
    /// piece's positions to the next. Larger pieces trade memory for fewer passes.
    /// </summary>
    public int PrefillChunk { get; init; } = 256;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelFile))
        {
            throw new ArgumentException($"{nameof(OnnxDecoderOptions)}.{nameof(ModelFile)} is empty: name the ONNX graph inside the model folder (by default '{DefaultModelFile}').", nameof(ModelFile));
        }

        if (PrefillChunk < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PrefillChunk), PrefillChunk, $"{nameof(OnnxDecoderOptions)}.{nameof(PrefillChunk)} must be at least 1 token (256 by default).");
        }

        if (IntraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, $"{nameof(OnnxDecoderOptions)}.{nameof(IntraOpThreads)} must be 0 (ONNX Runtime chooses) or a positive thread count.");
        }
    }
}

using FiniteMemory.Onnx.Decoding;

namespace FiniteMemory.Onnx;

/// <summary>
/// The options of the <c>onnx</c> backend (<see cref="OnnxBackends.CreateOnnx"/>), bound by the generated binder from
/// <see cref="FiniteMemory.Backends.BackendSettings"/>: <see cref="Model"/> from its <c>Model</c>, the others from
/// its options by name (<c>path</c>, <c>model-file</c>, <c>template</c>, <c>threads</c>, <c>prefill-chunk</c>, <c>max-output-tokens</c>; the
/// same names as the <c>torch</c> backend's where they mean the same).
/// </summary>
public sealed class OnnxChatClientOptions
{
    /// <summary>The model folder: the ONNX graph, <c>config.json</c> and <c>tokenizer.json</c> (or <c>tokenizer.model</c>); or, when <see cref="Path"/> is set, the name responses report.</summary>
    public string? Model { get; set; }

    /// <summary>Option <c>path</c>: the model folder, when <see cref="Model"/> is used for a display name instead.</summary>
    public string? Path { get; set; }

    /// <summary>Option <c>model-file</c>: the graph's file inside the folder (<c>model.onnx</c> by default).</summary>
    public string ModelFile { get; set; } = OnnxDecoderOptions.DefaultModelFile;

    /// <summary>Option <c>template</c>: the chat template, <c>chatml</c> (default), <c>llama3</c> or <c>zephyr</c>.</summary>
    public string Template { get; set; } = "chatml";

    /// <summary>Option <c>threads</c>: ONNX Runtime's threads per forward pass; 0 (default) lets it choose.</summary>
    public int Threads { get; set; }

    /// <summary>Option <c>prefill-chunk</c>: the most prompt tokens one forward pass runs (256 by default; see <see cref="OnnxDecoderOptions.PrefillChunk"/>).</summary>
    public int PrefillChunk { get; set; } = 256;

    /// <summary>Option <c>max-output-tokens</c>: the reply limit when a call does not set one (256 by default).</summary>
    public int MaxOutputTokens { get; set; } = 256;
}

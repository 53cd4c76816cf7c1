using System.Diagnostics.CodeAnalysis;
namespace FiniteMemory.Torch;

/// <summary>
/// Options of the <c>torch</c> backend (<see cref="TorchBackends"/>), bound from <see cref="FiniteMemory.Backends.BackendSettings"/>: <see cref="Model"/>
/// from its <c>Model</c>, the rest from its options by name (<c>path</c>, <c>template</c>, <c>device</c>, <c>threads</c>,
/// <c>max-output-tokens</c>).
/// </summary>
[Experimental(TorchBackends.ExperimentalId)]
public sealed class TorchChatClientOptions
{
    /// <summary>The model folder (config.json, model.safetensors, tokenizer.json or tokenizer.model).</summary>
    public string? Model { get; set; }

    /// <summary>Option <c>path</c>: the model folder, when <see cref="Model"/> is used for a display name instead.</summary>
    public string? Path { get; set; }

    /// <summary>Option <c>template</c>: <c>chatml</c> (default), <c>llama3</c> or <c>zephyr</c>.</summary>
    public string Template { get; set; } = "chatml";

    /// <summary>Option <c>device</c>: only <c>cpu</c> (the package ships the CPU libtorch).</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Option <c>threads</c>: libtorch's intra-op threads (0: its default).</summary>
    public int Threads { get; set; }

    /// <summary>Option <c>max-output-tokens</c>: the reply limit when a call does not set one.</summary>
    public int MaxOutputTokens { get; set; } = 256;
}

using System.Diagnostics.CodeAnalysis;
using FiniteMemory.Backends;
using FiniteMemory.Local;
using FiniteMemory.Local.Chat;
using FiniteMemory.Local.Tokenization;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Torch;

/// <summary>The backends of this package: <c>torch</c>, chat clients over local models run with TorchSharp.</summary>
[Experimental(TorchBackends.ExperimentalId)]
public static class TorchBackends
{
    /// <summary>
    /// The diagnostic id of this package's experimental API (FM0001). Every public type here is experimental: the
    /// package runs on TorchSharp 0.107.0, whose native library it patches at run time to load on glibc systems with an
    /// older libstdc++, it is JIT only, and with no pretrained generative model available offline it is tested on small
    /// written models only. Opt in with <c>&lt;NoWarn&gt;$(NoWarn);FM0001&lt;/NoWarn&gt;</c> or <c>#pragma warning disable FM0001</c>.
    /// The attribute is on each type rather than on the assembly so that the generated backend registry, which an
    /// application's generated code calls, stays usable without opting in.
    /// </summary>
    public const string ExperimentalId = "FM0001";

    /// <summary>
    /// The <c>torch</c> backend: loads the model folder named by <c>Model</c> (or the <c>path</c> option) and returns a
    /// <see cref="LocalChatClient"/> with cross-turn prefix reuse.
    /// </summary>
    /// <exception cref="BackendConfigurationException">No folder is named, the device is not <c>cpu</c>, or the template is unknown.</exception>
    [Backend("torch", Description = "A local GPT-2 or Llama-family model (config.json + model.safetensors) run with TorchSharp on the CPU, reusing its key/value cache across turns.")]
    [RequiresDynamicCode("TorchSharp uses reflection and run-time code generation.")]
    [RequiresUnreferencedCode("TorchSharp is not trim-safe.")]
    public static IChatClient CreateTorch(TorchChatClientOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var folder = settings.Path ?? settings.Model;
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new BackendConfigurationException("torch", "path", "The torch backend needs a model folder: set Model (or the 'path' option) to a folder with config.json, model.safetensors and tokenizer.json or tokenizer.model.");
        }

        if (!string.Equals(settings.Device, "cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new BackendConfigurationException("torch", "device", $"The torch backend runs on 'cpu' only (it ships the CPU build of libtorch), not '{settings.Device}'.");
        }

        ChatTemplate template;
        try
        {
            template = ChatTemplate.FromName(settings.Template);
        }
        catch (ArgumentException ex)
        {
            throw new BackendConfigurationException("torch", "template", ex.Message);
        }

        return Create(folder, new LocalChatClientOptions
        {
            Template = template,
            ModelId = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(folder)),
            DefaultMaxOutputTokens = settings.MaxOutputTokens,
        }, threads: settings.Threads > 0 ? settings.Threads : null);
    }

    /// <summary>Loads the model and tokenizer in <paramref name="folder"/> and returns a chat client over them.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">The client's options (ChatML template by default).</param>
    /// <param name="tokenizer">The tokenizer to use instead of the folder's.</param>
    /// <param name="threads">libtorch's intra-op threads.</param>
    [RequiresDynamicCode("TorchSharp uses reflection and run-time code generation.")]
    [RequiresUnreferencedCode("TorchSharp is not trim-safe.")]
    public static LocalChatClient Create(string folder, LocalChatClientOptions? options = null, Tokenizer? tokenizer = null, int? threads = null)
    {
        var model = TorchDecoder.Load(folder, threads);
        try
        {
            return new LocalChatClient(model, tokenizer ?? LocalTokenizer.FromFolder(folder), options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

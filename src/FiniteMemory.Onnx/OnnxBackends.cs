using FiniteMemory.Backends;
using FiniteMemory.Local;
using FiniteMemory.Local.Chat;
using FiniteMemory.Local.Tokenization;
using FiniteMemory.Onnx.Decoding;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Onnx;

/// <summary>The backends of this package: <c>onnx</c>, a local decoder on ONNX Runtime behind <see cref="LocalChatClient"/>.</summary>
public static class OnnxBackends
{
    /// <summary>The <c>onnx</c> backend's registered name.</summary>
    public const string OnnxName = "onnx";

    /// <summary>
    /// Loads the model folder named by <see cref="OnnxChatClientOptions.Path"/> or else <see cref="OnnxChatClientOptions.Model"/>
    /// (graph, <c>config.json</c>, tokenizer) and
    /// returns a <see cref="LocalChatClient"/> over it, which reuses the key/value cache of the longest common prefix
    /// from one call to the next. Registered as backend <c>onnx</c>.
    /// </summary>
    /// <exception cref="BackendConfigurationException">No model folder is set, the template is unknown, or a number is out of range.</exception>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The graph, <c>config.json</c> or the tokenizer is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is invalid or the graph does not match the configuration; the message names it.</exception>
    [Backend(OnnxName, Description = "A local decoder on ONNX Runtime (a Hugging Face Optimum with-past export with config.json and its tokenizer), reusing the key/value cache of the common prefix across turns.")]
    public static IChatClient CreateOnnx(OnnxChatClientOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var folder = string.IsNullOrWhiteSpace(settings.Path) ? settings.Model : settings.Path;
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new BackendConfigurationException(OnnxName, "model", $"Backend '{OnnxName}' needs the model folder, as its model setting or its path option: a folder with the ONNX graph ({settings.ModelFile}), config.json and tokenizer.json.");
        }

        ChatTemplate template;
        try
        {
            template = ChatTemplate.FromName(settings.Template);
        }
        catch (ArgumentException ex)
        {
            throw new BackendConfigurationException(OnnxName, "template", $"Backend '{OnnxName}': {ex.Message}");
        }

        if (settings.Threads < 0)
        {
            throw new BackendConfigurationException(OnnxName, "threads", $"Backend '{OnnxName}': threads must be 0 (ONNX Runtime chooses) or a positive count.");
        }

        if (settings.PrefillChunk < 1)
        {
            throw new BackendConfigurationException(OnnxName, "prefill-chunk", $"Backend '{OnnxName}': prefill-chunk must be at least 1 token (256 by default).");
        }

        if (settings.MaxOutputTokens <= 0)
        {
            throw new BackendConfigurationException(OnnxName, "max-output-tokens", $"Backend '{OnnxName}': max-output-tokens must be a positive number of reply tokens.");
        }

        var tokenizer = LocalTokenizer.FromFolder(folder);
        var model = OnnxCausalLanguageModel.Load(folder, new OnnxDecoderOptions { ModelFile = settings.ModelFile, IntraOpThreads = settings.Threads, PrefillChunk = settings.PrefillChunk });
        return new LocalChatClient(model, tokenizer, new LocalChatClientOptions
        {
            Template = template,
            DefaultMaxOutputTokens = settings.MaxOutputTokens,
            ModelId = string.IsNullOrWhiteSpace(settings.Path)
                ? System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(folder)))
                : settings.Model,
        });
    }
}

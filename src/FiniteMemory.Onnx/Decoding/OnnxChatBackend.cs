using FiniteMemory.Backends;
using FiniteMemory.Local;
using FiniteMemory.Local.Chat;
using FiniteMemory.Local.Tokenization;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Onnx.Decoding;

/// <summary>The <c>onnx</c> chat backend: a local decoder on ONNX Runtime behind <see cref="LocalChatClient"/>.</summary>
public static class OnnxChatBackend
{
    /// <summary>The backend's registered name.</summary>
    public const string Name = "onnx";

    /// <summary>
    /// Loads the model folder named by <see cref="OnnxBackendSettings.Path"/> or else <see cref="OnnxBackendSettings.Model"/>
    /// (graph, <c>config.json</c>, tokenizer) and
    /// returns a <see cref="LocalChatClient"/> over it, which reuses the key/value cache of the longest common prefix
    /// from one call to the next. Registered as backend <c>onnx</c>.
    /// </summary>
    /// <exception cref="BackendConfigurationException">No model folder is set, the template is unknown, or a number is out of range.</exception>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The graph, <c>config.json</c> or the tokenizer is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is invalid or the graph does not match the configuration; the message names it.</exception>
    [Backend(Name, Description = "A local decoder on ONNX Runtime (a Hugging Face Optimum with-past export with config.json and its tokenizer), reusing the key/value cache of the common prefix across turns.")]
    public static IChatClient Create(OnnxBackendSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var folder = string.IsNullOrWhiteSpace(settings.Path) ? settings.Model : settings.Path;
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new BackendConfigurationException(Name, "model", $"Backend '{Name}' needs the model folder, as its model setting or its path option: a folder with the ONNX graph ({settings.ModelFile}), config.json and tokenizer.json.");
        }

        ChatTemplate template;
        try
        {
            template = ChatTemplate.FromName(settings.Template);
        }
        catch (ArgumentException ex)
        {
            throw new BackendConfigurationException(Name, "template", $"Backend '{Name}': {ex.Message}");
        }

        if (settings.Threads < 0)
        {
            throw new BackendConfigurationException(Name, "threads", $"Backend '{Name}': threads must be 0 (ONNX Runtime chooses) or a positive count.");
        }

        if (settings.PrefillChunk < 1)
        {
            throw new BackendConfigurationException(Name, "prefill-chunk", $"Backend '{Name}': prefill-chunk must be at least 1 token (256 by default).");
        }

        if (settings.MaxOutputTokens <= 0)
        {
            throw new BackendConfigurationException(Name, "max-output-tokens", $"Backend '{Name}': max-output-tokens must be a positive number of reply tokens.");
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

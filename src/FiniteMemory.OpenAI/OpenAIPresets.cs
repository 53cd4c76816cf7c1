using System.Diagnostics.CodeAnalysis;

namespace FiniteMemory.OpenAI;

/// <summary>
/// The OpenAI-compatible servers FiniteMemory has presets for: the one table of their names, addresses, key variables
/// and tokenizers. Each is also a backend name (<c>ChatBackends.Create("ollama", …)</c>, registered from this table by
/// <see cref="OpenAIBackends"/>) and a value of the <c>preset</c> option of the <c>openai</c> backend.
/// </summary>
/// <remarks>
/// Tokenizers: OpenAI's current models use o200k. The others serve many model families (Llama 3, Qwen, Mistral,
/// DeepSeek); cl100k is the closest offline vocabulary to their byte-level BPEs, and calibration from reported
/// usage corrects the rest after the first answer.
/// </remarks>
public static class OpenAIPresets
{
    // Servers that serve whatever they were started with.
    private const string AnyModel = "the name the server lists at GET /v1/models";

    /// <summary>OpenAI's own API.</summary>
    public static OpenAIPreset OpenAI { get; } = new("openai", "OpenAI API", new Uri("https://api.openai.com/v1"), OpenAIAuth.Required, "OPENAI_API_KEY", TokenizerPreset.O200k, "gpt-4o-mini");

    /// <summary>DeepSeek's API.</summary>
    public static OpenAIPreset DeepSeek { get; } = new("deepseek", "DeepSeek API", new Uri("https://api.deepseek.com/v1"), OpenAIAuth.Required, "DEEPSEEK_API_KEY", TokenizerPreset.Cl100k, "deepseek-chat");

    /// <summary>Together AI's API.</summary>
    public static OpenAIPreset Together { get; } = new("together", "Together AI API", new Uri("https://api.together.xyz/v1"), OpenAIAuth.Required, "TOGETHER_API_KEY", TokenizerPreset.Cl100k, "meta-llama/Llama-3.3-70B-Instruct-Turbo");

    /// <summary>Hugging Face Text Generation Inference (its Messages API); a token only when the server was started with one.</summary>
    public static OpenAIPreset Tgi { get; } = new("tgi", "Hugging Face Text Generation Inference (Messages API)", new Uri("http://localhost:8080/v1"), OpenAIAuth.Optional, "HF_TOKEN", TokenizerPreset.Cl100k, AnyModel);

    /// <summary>vLLM's OpenAI-compatible server; a key only when it was started with <c>--api-key</c>.</summary>
    public static OpenAIPreset Vllm { get; } = new("vllm", "vLLM OpenAI-compatible server", new Uri("http://localhost:8000/v1"), OpenAIAuth.Optional, "VLLM_API_KEY", TokenizerPreset.Cl100k, AnyModel);

    /// <summary>llama.cpp's <c>llama-server</c>.</summary>
    public static OpenAIPreset LlamaCpp { get; } = new("llamacpp", "llama.cpp server (llama-server)", new Uri("http://localhost:8080/v1"), OpenAIAuth.None, null, TokenizerPreset.Cl100k, AnyModel);

    /// <summary>Ollama's OpenAI-compatible endpoint.</summary>
    public static OpenAIPreset Ollama { get; } = new("ollama", "Ollama", new Uri("http://localhost:11434/v1"), OpenAIAuth.None, null, TokenizerPreset.Cl100k, "llama3.1:8b");

    /// <summary>LM Studio's local server.</summary>
    public static OpenAIPreset LmStudio { get; } = new("lmstudio", "LM Studio local server", new Uri("http://localhost:1234/v1"), OpenAIAuth.None, null, TokenizerPreset.Cl100k, AnyModel);

    /// <summary>Every preset, OpenAI first.</summary>
    public static IReadOnlyList<OpenAIPreset> All { get; } = [OpenAI, DeepSeek, Together, Tgi, Vllm, LlamaCpp, Ollama, LmStudio];

    /// <summary>The presets' names, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(static p => p.Name)];

    /// <summary>Finds a preset by name (case-insensitive; <c>-</c>, <c>_</c> and <c>.</c> ignored, so <c>llama.cpp</c> and <c>lm-studio</c> work).</summary>
    public static bool TryGet([NotNullWhen(true)] string? name, [NotNullWhen(true)] out OpenAIPreset? preset)
    {
        var key = Normalize(name);
        preset = All.FirstOrDefault(p => p.Name == key);
        return preset is not null;
    }

    private static string Normalize(string? name) =>
        name is null ? string.Empty : string.Concat(name.Trim().Where(static c => c is not ('-' or '_' or '.' or ' '))).ToLowerInvariant();
}

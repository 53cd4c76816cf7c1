using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI;

/// <summary>
/// The registered backend names: <c>openai</c> (any OpenAI-compatible server through its endpoint and
/// <c>preset</c> option) and one per preset, so <c>ChatBackends.Create("ollama", …)</c> needs no endpoint.
/// </summary>
public static class OpenAIBackends
{
    /// <summary>OpenAI, or any OpenAI-compatible server through <c>endpoint</c> and the <c>preset</c> option.</summary>
    [Backend("openai", Description = "OpenAI API (https://api.openai.com/v1, OPENAI_API_KEY); any OpenAI-compatible server through endpoint and preset")]
    public static IChatClient CreateOpenAI(OpenAIBackendSettings settings) => OpenAIBackend.CreateChatClient(settings, null);

    /// <summary>DeepSeek.</summary>
    [Backend("deepseek", Description = "DeepSeek API (https://api.deepseek.com/v1, DEEPSEEK_API_KEY)")]
    public static IChatClient CreateDeepSeek(OpenAIBackendSettings settings) => OpenAIBackend.CreateChatClient(settings, OpenAIPresets.DeepSeek);

    /// <summary>Together AI.</summary>
    [Backend("together", Description = "Together AI API (https://api.together.xyz/v1, TOGETHER_API_KEY)")]
    public static IChatClient CreateTogether(OpenAIBackendSettings settings) => OpenAIBackend.CreateChatClient(settings, OpenAIPresets.Together);

    /// <summary>Hugging Face Text Generation Inference.</summary>
    [Backend("tgi", Description = "Hugging Face TGI Messages API (http://localhost:8080/v1, optional HF_TOKEN)")]
    public static IChatClient CreateTgi(OpenAIBackendSettings settings) => OpenAIBackend.CreateChatClient(settings, OpenAIPresets.Tgi);

    /// <summary>vLLM.</summary>
    [Backend("vllm", Description = "vLLM OpenAI-compatible server (http://localhost:8000/v1, optional VLLM_API_KEY)")]
    public static IChatClient CreateVllm(OpenAIBackendSettings settings) => OpenAIBackend.CreateChatClient(settings, OpenAIPresets.Vllm);

    /// <summary>llama.cpp's server.</summary>
    [Backend("llamacpp", Description = "llama.cpp server (http://localhost:8080/v1, no key)")]
    public static IChatClient CreateLlamaCpp(OpenAIBackendSettings settings) => OpenAIBackend.CreateChatClient(settings, OpenAIPresets.LlamaCpp);

    /// <summary>Ollama.</summary>
    [Backend("ollama", Description = "Ollama (http://localhost:11434/v1, no key)")]
    public static IChatClient CreateOllama(OpenAIBackendSettings settings) => OpenAIBackend.CreateChatClient(settings, OpenAIPresets.Ollama);

    /// <summary>LM Studio.</summary>
    [Backend("lmstudio", Description = "LM Studio local server (http://localhost:1234/v1, no key)")]
    public static IChatClient CreateLmStudio(OpenAIBackendSettings settings) => OpenAIBackend.CreateChatClient(settings, OpenAIPresets.LmStudio);
}

using FiniteMemory.Http;

namespace FiniteMemory.OpenAI;

/// <summary>
/// Options of an <see cref="OpenAIChatClient"/> (the <c>openai</c> backend and its presets) and of the OpenAI embedding generator: the hosted backends' common settings (model — required —,
/// endpoint, key, timeout, <c>max-retries</c>, <c>retry-delay</c>, <c>max-retry-delay</c>, <c>max-response-bytes</c>) plus the options below.
/// Everything not set falls back to the preset's defaults.
/// </summary>
/// <remarks>As options (<c>BackendSettings.Options</c>): <c>organization</c>, <c>embedding-model</c>, <c>preset</c>.</remarks>
public sealed class OpenAIChatClientOptions : HostedChatClientOptions
{
    /// <summary>The OpenAI organization id sent as <c>OpenAI-Organization</c>.</summary>
    public string? Organization { get; set; }

    /// <summary>The embedding model for <see cref="OpenAIBackends.CreateEmbeddingGenerator(OpenAIChatClientOptions)"/> (default <c>text-embedding-3-small</c>).</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>The preset to start from (see <see cref="OpenAIPresets"/>); <c>openai</c> by default.</summary>
    public string? Preset { get; set; }
}

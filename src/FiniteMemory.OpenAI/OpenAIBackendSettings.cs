namespace FiniteMemory.OpenAI;

/// <summary>
/// Settings of the <c>openai</c> backend and its presets. <see cref="Model"/> is required; everything else
/// falls back to the preset's defaults.
/// </summary>
/// <remarks>As options (<c>BackendSettings.Options</c>): <c>max-retries</c>, <c>organization</c>, <c>embedding-model</c>, <c>preset</c>.</remarks>
public sealed class OpenAIBackendSettings
{
    /// <summary>The chat model (e.g. <c>gpt-4o-mini</c>, <c>deepseek-chat</c>, <c>llama3.1:8b</c>). Required.</summary>
    public string? Model { get; set; }

    /// <summary>The server's base address, ending in <c>/v1</c>; the preset's by default.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key; when null, the preset's environment variable. Never logged or put in an exception.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one attempt may take (the default of the shared resilience options when null).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>How many times a failed request (429, 5xx, connection reset, timeout) is retried; the shared default when null.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>The OpenAI organization id sent as <c>OpenAI-Organization</c>.</summary>
    public string? Organization { get; set; }

    /// <summary>The embedding model for <see cref="OpenAIBackend.CreateEmbeddingGenerator(OpenAIBackendSettings)"/> (default <c>text-embedding-3-small</c>).</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>The preset to start from (see <see cref="OpenAIPresets"/>); <c>openai</c> by default.</summary>
    public string? Preset { get; set; }
}

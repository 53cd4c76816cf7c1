using FiniteMemory.Backends;
using FiniteMemory.Http;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace FiniteMemory.OpenAI;

/// <summary>
/// Creates chat clients and embedders for OpenAI and OpenAI-compatible servers on the official OpenAI SDK,
/// with FiniteMemory's shared transport (retries, timeouts) and errors that carry the server's message but
/// never the key.
/// </summary>
public static class OpenAIBackend
{
    /// <summary>The embedding model used when <see cref="OpenAIBackendSettings.EmbeddingModel"/> is not set.</summary>
    public const string DefaultEmbeddingModel = "text-embedding-3-small";

    /// <summary>Creates a chat client for the server <paramref name="settings"/> describe (its preset, endpoint and key).</summary>
    /// <exception cref="BackendConfigurationException">The model is missing, the preset unknown, or a required key is not set; the message names the fix.</exception>
    public static IChatClient CreateChatClient(OpenAIBackendSettings settings) => CreateChatClient(settings, null);

    /// <summary>Creates an embedding generator (<c>/v1/embeddings</c>) for the server <paramref name="settings"/> describe, for the semantic memory policies.</summary>
    /// <exception cref="BackendConfigurationException">The preset is unknown or a required key is not set.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(OpenAIBackendSettings settings) =>
        CreateEmbeddingGenerator(settings, null);

    /// <summary>The default bound on an embeddings response: 128 MB.</summary>
    internal const long EmbeddingMaxResponseBytes = 128L * 1024 * 1024;

    /// <summary>
    /// Creates the embedding generator over <paramref name="resilience"/> defaults (tests shorten the backoff); when
    /// null, the shared defaults with <see cref="EmbeddingMaxResponseBytes"/> as the bound.
    /// </summary>
    internal static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(OpenAIBackendSettings settings, ResilienceOptions? resilience)
    {
        ArgumentNullException.ThrowIfNull(settings);

        // A batch of embeddings is legitimately larger than a chat answer: 2,048 inputs (the API's most) of 3,072
        // dimensions come to about 34 MB as base64, so the default bound is higher here. Only a bound nobody chose is
        // raised: max-response-bytes in the settings is applied over this, and options the caller passed are kept
        // as they are, even when they equal the chat default.
        resilience ??= ResilienceOptions.Default with { MaxResponseBytes = EmbeddingMaxResponseBytes };
        var connection = OpenAIConnection.Open(settings, null, requireModel: false, resilience);
        var model = string.IsNullOrWhiteSpace(settings.EmbeddingModel) ? DefaultEmbeddingModel : settings.EmbeddingModel.Trim();
        var inner = connection.Client.GetEmbeddingClient(model).AsIEmbeddingGenerator();
        return new OpenAIEmbeddingGenerator(inner, connection);
    }

    /// <summary>Creates the chat client with <paramref name="fixedPreset"/> (a preset's own backend name) or the settings' preset.</summary>
    /// <param name="settings">What configuration says.</param>
    /// <param name="fixedPreset">The preset a preset-named backend stands for.</param>
    /// <param name="resilience">Retry and timeout defaults (tests shorten the backoff); the shared defaults when null.</param>
    /// <param name="handler">The handler under the resilient one (benchmarks answer from memory); a socket handler when null.</param>
    internal static IChatClient CreateChatClient(OpenAIBackendSettings settings, OpenAIPreset? fixedPreset, ResilienceOptions? resilience = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var connection = OpenAIConnection.Open(settings, fixedPreset, requireModel: true, resilience, handler);
        var inner = connection.Client.GetChatClient(settings.Model!.Trim()).AsIChatClient();
        return new OpenAIChatBackend(inner, connection);
    }
}

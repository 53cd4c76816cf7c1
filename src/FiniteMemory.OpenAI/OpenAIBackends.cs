using FiniteMemory.Backends;
using FiniteMemory.Http;
using Microsoft.Extensions.AI;
using OpenAI.Embeddings;

namespace FiniteMemory.OpenAI;

/// <summary>
/// The OpenAI backends: one registered name per row of <see cref="OpenAIPresets"/> — <c>openai</c> (any
/// OpenAI-compatible server through its endpoint and <c>preset</c> option) and each preset's own, so
/// <c>ChatBackends.Create("ollama", …)</c> needs no endpoint — and the embedding generator for the semantic policies.
/// </summary>
public static class OpenAIBackends
{
    /// <summary>The embedding model used when <see cref="OpenAIChatClientOptions.EmbeddingModel"/> is not set.</summary>
    public const string DefaultEmbeddingModel = "text-embedding-3-small";

    /// <summary>The default bound on an embeddings response: 128 MB.</summary>
    internal const long EmbeddingMaxResponseBytes = 128L * 1024 * 1024;

    /// <summary>
    /// The registered backends, one per preset, by name (the order every other package's backends are listed in).
    /// Names, addresses and key variables are read from the presets, which hold them alone.
    /// </summary>
    internal static IEnumerable<BackendEntry> Backends =>
        OpenAIPresets.All.OrderBy(static p => p.Name, StringComparer.OrdinalIgnoreCase).Select(static p => new BackendEntry(p.Name, Describe(p)));

    /// <summary>Creates the chat client of the backend <paramref name="name"/>: the <c>openai</c> one takes any preset through its options; the others are their preset.</summary>
    /// <param name="name">The backend's registered name: a preset's name.</param>
    /// <param name="options">Model (required), endpoint, key, timeout, retries and options.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is no preset's name.</exception>
    /// <exception cref="BackendConfigurationException">The model is missing, the preset unknown or another than the backend's, or a required key is not set; the message names the fix.</exception>
    [Backend(Table = nameof(Backends))]
    public static IChatClient Create(string name, OpenAIChatClientOptions options)
    {
        if (!OpenAIPresets.TryGet(name, out var preset))
        {
            throw new ArgumentException($"No OpenAI preset is named '{name}'. Known presets: {string.Join(", ", OpenAIPresets.Names)}.", nameof(name));
        }

        return new OpenAIChatClient(options, preset == OpenAIPresets.OpenAI ? null : preset);
    }

    /// <summary>Creates an embedding generator (<c>/v1/embeddings</c>) for the server <paramref name="options"/> describe, for the semantic memory policies.</summary>
    /// <exception cref="BackendConfigurationException">The preset is unknown or a required key is not set.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(OpenAIChatClientOptions options) =>
        CreateEmbeddingGenerator(options, null);

    /// <summary>
    /// Creates the embedding generator over <paramref name="resilience"/> defaults (tests shorten the backoff); when
    /// null, the shared defaults with <see cref="EmbeddingMaxResponseBytes"/> as the bound.
    /// </summary>
    internal static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(OpenAIChatClientOptions options, ResilienceOptions? resilience)
    {
        ArgumentNullException.ThrowIfNull(options);

        // A batch of embeddings is legitimately larger than a chat answer: 2,048 inputs (the API's most) of 3,072
        // dimensions come to about 34 MB as base64, so the default bound is higher here. Only a bound nobody chose is
        // raised: max-response-bytes in the options is applied over this, and options the caller passed are kept
        // as they are, even when they equal the chat default.
        resilience ??= ResilienceOptions.Default with { MaxResponseBytes = EmbeddingMaxResponseBytes };
        var connection = OpenAIConnection.Open(options, null, requireModel: false, resilience);
        var model = string.IsNullOrWhiteSpace(options.EmbeddingModel) ? DefaultEmbeddingModel : options.EmbeddingModel.Trim();
        var inner = connection.Client.GetEmbeddingClient(model).AsIEmbeddingGenerator();
        return new OpenAIEmbeddingGenerator(inner, connection);
    }

    // "DeepSeek API (https://api.deepseek.com/v1, DEEPSEEK_API_KEY)"; the openai backend also takes the other presets.
    private static string Describe(OpenAIPreset preset)
    {
        var key = preset.Auth switch
        {
            OpenAIAuth.Required => preset.KeyVariable,
            OpenAIAuth.Optional => "optional " + preset.KeyVariable,
            _ => "no key",
        };
        var description = $"{preset.Description} ({preset.BaseUrl}, {key})";
        return preset == OpenAIPresets.OpenAI ? description + "; any OpenAI-compatible server through endpoint and preset" : description;
    }
}

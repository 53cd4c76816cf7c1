using FiniteMemory.Http;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI;

/// <summary>M.E.AI's embedding adapter over the SDK, with the SDK's errors turned into FiniteMemory's backend errors.</summary>
internal sealed class OpenAIEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly OpenAIConnection _connection;

    public OpenAIEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, OpenAIConnection connection)
        : base(inner) => _connection = connection;

    /// <summary>The retry, timeout and size bounds this generator's requests go through.</summary>
    public ResilienceOptions Resilience => _connection.Resilience;

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OpenAIErrors.Translate(ex, _connection, streaming: false, started: false, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(OpenAIPreset) ? _connection.Preset : base.GetService(serviceType, serviceKey);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection.Http.Dispose();
        }

        base.Dispose(disposing);
    }
}

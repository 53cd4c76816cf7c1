using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Fakes;

/// <summary>
/// A deterministic embedder for tests: hashed bag-of-words vectors (texts sharing words are similar). Records
/// every input it was asked to embed, and can be told to fail.
/// </summary>
public sealed class HashingEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lock _gate = new();

    public List<string> Inputs { get; } = [];

    public int Calls { get; private set; }

    public Exception? FailWith { get; set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (FailWith is { } failure)
        {
            throw failure;
        }

        var list = values.ToList();
        lock (_gate)
        {
            Calls++;
            Inputs.AddRange(list);
        }

        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(v => new Embedding<float>(HashedTermVectors.Vectorize(v)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

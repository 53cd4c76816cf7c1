using Microsoft.Extensions.AI;
using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Onnx.Tests.Support;

namespace FiniteMemory.Onnx.Tests.Embeddings;

public class LifetimeTests
{
    [Test]
    public async Task CancellationBeforeABatchThrowsOperationCanceledException()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => MiniLmEmbedder.Shared.GenerateAsync(["one", "two"], cancellationToken: cancellation.Token));
    }

    [Test]
    public async Task CancellationDuringALongCallStopsIt()
    {
        // Tens of seconds of work on two cores, cancelled once the call is under way. The call runs on the caller's
        // thread, hence Task.Run, and the minute is only a hang guard: a call that ignored its token would finish
        // and return embeddings (or trip the guard) instead of throwing.
        var texts = Enumerable.Repeat(LongText.TwoTopics(), 256).ToArray();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var call = Task.Run(() => MiniLmEmbedder.Shared.GenerateAsync(texts, cancellationToken: cancellation.Token));
        await Assert.ThrowsAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task UsingADisposedEmbedderThrowsObjectDisposedException()
    {
        var embedder = new MiniLmEmbedder(new MiniLmEmbedderOptions { IntraOpThreads = 1 });
        await Assert.That((await embedder.GenerateAsync(["before"])).Count).IsEqualTo(1);

        embedder.Dispose();
        embedder.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => embedder.GenerateAsync(["after"]));
    }

    [Test]
    public async Task DisposingTheSharedEmbedderLeavesItUsable()
    {
        MiniLmEmbedder.Shared.Dispose();
        var result = await MiniLmEmbedder.Shared.GenerateAsync(["still here"]);
        await Assert.That(result[0].Vector.Length).IsEqualTo(MiniLmEmbedder.Dimensions);
    }

    [Test]
    public async Task MetadataNamesOnnxRuntimeTheModelAnd384Dimensions()
    {
        var generator = MiniLmEmbedder.Shared;
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;

        await Assert.That(metadata.ProviderName).IsEqualTo("onnxruntime");
        await Assert.That(metadata.DefaultModelId).IsEqualTo("all-MiniLM-L6-v2");
        await Assert.That(metadata.DefaultModelDimensions).IsEqualTo(384);
        await Assert.That(generator.GetService<MiniLmEmbedder>()).IsSameReferenceAs(MiniLmEmbedder.Shared);
        await Assert.That(generator.GetService(typeof(EmbeddingGeneratorMetadata), "some key")).IsNull();
    }

    [Test]
    public async Task AskingForOtherDimensionsIsAClearError()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => MiniLmEmbedder.Shared.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 768 }));
        await Assert.That(exception!.Message).Contains("384");
        await Assert.That((await MiniLmEmbedder.Shared.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 384 })).Count).IsEqualTo(1);
    }

    [Test]
    public async Task ANullTextIsAnErrorNamingItsIndex()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => MiniLmEmbedder.Shared.GenerateAsync(["fine", null!]));
        await Assert.That(exception!.Message).Contains("index 1");
    }

    [Test]
    [Arguments(0, 0)]
    [Arguments(32, -1)]
    public async Task OptionsOutOfRangeAreRejectedBeforeTheModelLoads(int batchSize, int threads)
    {
        await Assert.That(() => new MiniLmEmbedder(new MiniLmEmbedderOptions { BatchSize = batchSize, IntraOpThreads = threads }))
            .Throws<ArgumentOutOfRangeException>();
    }
}

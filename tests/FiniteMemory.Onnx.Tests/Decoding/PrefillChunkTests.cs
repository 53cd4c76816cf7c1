using FiniteMemory.Onnx.Decoding;
using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;

namespace FiniteMemory.Onnx.Tests.Decoding;

/// <summary>
/// A long prompt whose last row is all that is wanted runs in pieces: the same logits and cache as one pass, with a
/// logits buffer of a piece's rows instead of the whole prompt's.
/// </summary>
public class PrefillChunkTests
{
    private static readonly string Prompt = string.Join(' ', Enumerable.Repeat("User: where did we put the spare keys and the bike lock?\nAssistant: in the blue drawer.\n", 10));

    [Test]
    public async Task APromptRunInPiecesGivesTheLogitsAndCacheOfOnePass()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var whole = OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { IntraOpThreads = 1, PrefillChunk = 4096 });
        using var pieces = OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { IntraOpThreads = 1, PrefillChunk = 7 });
        var tokens = GraphTests.Encode(Prompt);
        var vocab = whole.Config.VocabSize;
        await Assert.That(tokens.Length).IsGreaterThan(100);

        using var wholeCache = whole.CreateCache();
        using var piecesCache = pieces.CreateCache();
        var expected = new float[vocab];
        var actual = new float[vocab];
        whole.Forward(wholeCache, tokens, expected);
        pieces.Forward(piecesCache, tokens, actual);

        await Assert.That(piecesCache.Length).IsEqualTo(tokens.Length);
        await Assert.That(GraphTests.MaxAbsDiff(actual, expected)).IsLessThan(1e-4f);

        // The cache the pieces left behind is the one pass's: the next token's logits agree too.
        whole.Forward(wholeCache, [262], expected);
        pieces.Forward(piecesCache, [262], actual);
        await Assert.That(GraphTests.MaxAbsDiff(actual, expected)).IsLessThan(1e-4f);
    }

    [Test]
    public async Task ThePiecesKeepTheLogitsBufferToAPiecesRows()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        var tokens = GraphTests.Encode(Prompt);

        var onePass = AllocatedByPrefill(folder.Path, chunk: 4096, tokens, out var vocab);
        var inPieces = AllocatedByPrefill(folder.Path, chunk: 16, tokens, out _);

        // One pass holds every row's logits (tokens × vocabulary floats); pieces of 16 hold 16 rows.
        var allRows = (long)tokens.Length * vocab * sizeof(float);
        await Assert.That(onePass).IsGreaterThanOrEqualTo(allRows);
        await Assert.That(inPieces).IsLessThan(allRows / 4);
    }

    [Test]
    public async Task ABadTokenLateInAPromptIsRefusedBeforeAnyPieceRuns()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var model = OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { IntraOpThreads = 1, PrefillChunk = 8 });
        using var cache = model.CreateCache();
        model.Forward(cache, [464, 2068], new float[model.Config.VocabSize]);
        var tokens = GraphTests.Encode(Prompt)[..40];
        tokens[37] = model.Config.VocabSize;

        var error = Assert.Throws<ArgumentException>(() => model.Forward(cache, tokens, new float[model.Config.VocabSize]));

        await Assert.That(error!.Message).Contains($"Token id {model.Config.VocabSize} at index 37 is outside the vocabulary");
        await Assert.That(cache.Length).IsEqualTo(2);
    }

    [Test]
    public async Task APrefillChunkBelowOneIsRefusedNamingTheSetting()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { PrefillChunk = 0 }));

        await Assert.That(error!.Message).Contains("OnnxDecoderOptions.PrefillChunk must be at least 1 token");
    }

    private static long AllocatedByPrefill(string folder, int chunk, int[] tokens, out int vocab)
    {
        using var model = OnnxCausalLanguageModel.Load(folder, new OnnxDecoderOptions { IntraOpThreads = 1, PrefillChunk = chunk });
        using var cache = model.CreateCache();
        vocab = model.Config.VocabSize;
        var logits = new float[vocab];
        var before = GC.GetAllocatedBytesForCurrentThread();
        model.Forward(cache, tokens, logits);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

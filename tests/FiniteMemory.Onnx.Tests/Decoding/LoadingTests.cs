using FiniteMemory.Onnx.Decoding;
using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;

namespace FiniteMemory.Onnx.Tests.Decoding;

/// <summary>Model folders that cannot work are refused at load with a message naming what is wrong; so are windows the model cannot hold.</summary>
public class LoadingTests
{
    private static readonly OnnxDecoderOptions OneThread = new() { IntraOpThreads = 1 };

    [Test]
    public async Task AMissingFolderIsRefusedByName()
    {
        var path = Path.Combine(Path.GetTempPath(), "fm-no-such-model-" + Guid.NewGuid().ToString("N"));
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(path)));
        await Assert.That(error!.Message).Contains(path).And.Contains("model.onnx").And.Contains("config.json");
    }

    [Test]
    public async Task AFolderWithoutTheGraphOrTheConfigIsRefusedNamingTheFile()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        var missingFile = await Assert.ThrowsAsync<FileNotFoundException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { ModelFile = "decoder_with_past_model.onnx" })));
        await Assert.That(missingFile!.Message).Contains("decoder_with_past_model.onnx").And.Contains("text-generation-with-past");

        File.Delete(folder.ConfigPath);
        var missingConfig = await Assert.ThrowsAsync<FileNotFoundException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(folder.Path)));
        await Assert.That(missingConfig!.Message).Contains("config.json");
    }

    [Test]
    public async Task AGraphWithFewerLayersThanTheConfigIsRefusedNamingTheMissingInput()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2(), new Gpt2ExportOptions(Layers: 1));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(folder.Path, OneThread)));
        await Assert.That(error!.Message).Contains("no input 'past_key_values.1.key'").And.Contains(folder.ModelPath);
    }

    [Test]
    public async Task AGraphWithMoreLayersThanTheConfigIsRefusedAsAMismatch()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2(), configJson: TinyModels.ConfigJson(TinyModelSpec.Gpt2() with { Layers = 1 }));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(folder.Path, OneThread)));
        await Assert.That(error!.Message).Contains("'past_key_values.1.key'").And.Contains("more layers");
    }

    [Test]
    public async Task AGraphWithoutPresentOutputsIsRefusedNamingTheMissingOutput()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2(), new Gpt2ExportOptions(PresentOutputs: false));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(folder.Path, OneThread)));
        await Assert.That(error!.Message).Contains("no output 'present.0.key'");
    }

    [Test]
    public async Task AConfigWithOtherHeadsOrVocabularyIsRefusedAsBelongingToAnotherModel()
    {
        using (var heads = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2(), configJson: TinyModels.ConfigJson(TinyModelSpec.Gpt2() with { Heads = 8 })))
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(heads.Path, OneThread)));
            await Assert.That(error!.Message).Contains("past_key_values.0.key").And.Contains("8 key/value heads").And.Contains("different models");
        }

        using var vocab = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2(), configJson: TinyModels.ConfigJson(TinyModelSpec.Gpt2() with { Vocab = 50000 }));
        var vocabError = await Assert.ThrowsAsync<InvalidDataException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(vocab.Path, OneThread)));
        await Assert.That(vocabError!.Message).Contains("'logits'").And.Contains("vocab_size 50000");
    }

    [Test]
    public async Task AFileThatIsNotAnOnnxGraphIsRefusedNamingIt()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        await File.WriteAllTextAsync(folder.ModelPath, "not a protobuf");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Task.Run(() => OnnxCausalLanguageModel.Load(folder.Path, OneThread)));
        await Assert.That(error!.Message).Contains(folder.ModelPath).And.Contains("cannot load");
    }

    [Test]
    public async Task AWindowLongerThanThePositionsIsRefusedWithTheBudgetAdvice()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var model = OnnxCausalLanguageModel.Load(folder.Path, OneThread);
        using var cache = model.CreateCache();
        var vocab = model.Config.VocabSize;
        var positions = model.Config.MaxPositions;

        var tooLong = Enumerable.Range(0, positions + 1).Select(i => i % 1000).ToArray();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Task.Run(() => model.Forward(cache, tooLong, new float[vocab])));
        await Assert.That(error!.Message).Contains($"at most {positions}").And.Contains("memory policy's budget below 256");
        await Assert.That(cache.Length).IsEqualTo(0);

        // Filling the positions exactly works; one more token through the cache is refused the same way.
        model.Forward(cache, tooLong.AsSpan(0, positions), new float[vocab]);
        var overflow = await Assert.ThrowsAsync<ArgumentException>(() => Task.Run(() => model.Forward(cache, [42], new float[vocab])));
        await Assert.That(overflow!.Message).Contains($"{positions + 1} positions ({positions} cached + 1 new)");
        await Assert.That(cache.Length).IsEqualTo(positions);
    }

    [Test]
    public async Task BadTokensLogitSpansAndForeignCachesAreRefused()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var model = OnnxCausalLanguageModel.Load(folder.Path, OneThread);
        using var other = OnnxCausalLanguageModel.Load(folder.Path, OneThread);
        using var cache = model.CreateCache();
        var vocab = model.Config.VocabSize;

        var outOfRange = await Assert.ThrowsAsync<ArgumentException>(() => Task.Run(() => model.Forward(cache, [1, vocab], new float[vocab])));
        await Assert.That(outOfRange!.Message).Contains($"Token id {vocab} at index 1");
        var wrongSpan = await Assert.ThrowsAsync<ArgumentException>(() => Task.Run(() => model.Forward(cache, [1, 2], new float[vocab + 1])));
        await Assert.That(wrongSpan!.Message).Contains("logits");
        var foreign = await Assert.ThrowsAsync<ArgumentException>(() => Task.Run(() => other.Forward(cache, [1], new float[vocab])));
        await Assert.That(foreign!.Message).Contains("not created by this model");
        await Assert.ThrowsAsync<ArgumentException>(() => Task.Run(() => model.Forward(cache, [], new float[vocab])));
        await Assert.That(cache.Length).IsEqualTo(0);
    }
}

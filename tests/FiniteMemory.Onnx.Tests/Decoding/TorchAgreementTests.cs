using FiniteMemory.Onnx.Decoding;
using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;
using FiniteMemory.Torch;

namespace FiniteMemory.Onnx.Tests.Decoding;

/// <summary>The ONNX Runtime and TorchSharp backends compute the same GPT-2 from the same folder (safetensors for Torch, the exported graph for ONNX).</summary>
public class TorchAgreementTests
{
    private const float Tolerance = 1e-4f;

    [Test]
    public async Task OnnxAndTorchGiveTheSameLogitsForTheSameWeights()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var onnx = OnnxCausalLanguageModel.Load(folder.Path, new OnnxDecoderOptions { IntraOpThreads = 1 });
        using var torch = TorchDecoder.Load(folder.Path, threads: 1);
        var tokens = GraphTests.Encode("Both backends read the same weights, so they must agree on every position.");
        var vocab = onnx.Config.VocabSize;

        // Every position of a prompt, then three single-token steps over each backend's own cache.
        var fromOnnx = new float[tokens.Length * vocab];
        var fromTorch = new float[tokens.Length * vocab];
        using var onnxCache = onnx.CreateCache();
        using var torchCache = torch.CreateCache();
        onnx.Forward(onnxCache, tokens, fromOnnx);
        torch.Forward(torchCache, tokens, fromTorch);
        var maxDiff = GraphTests.MaxAbsDiff(fromOnnx, fromTorch);

        var (rowOnnx, rowTorch) = (new float[vocab], new float[vocab]);
        foreach (var next in (int[])[464, 3290, 13])
        {
            onnx.Forward(onnxCache, [next], rowOnnx);
            torch.Forward(torchCache, [next], rowTorch);
            maxDiff = Math.Max(maxDiff, GraphTests.MaxAbsDiff(rowOnnx, rowTorch));
        }

        await Assert.That((torch.Config.Layers, torch.Config.HiddenSize, torch.Config.VocabSize)).IsEqualTo((onnx.Config.Layers, onnx.Config.HiddenSize, onnx.Config.VocabSize));
        await Assert.That(maxDiff).IsLessThan(Tolerance);
        await Assert.That(fromOnnx.Max() - fromOnnx.Min()).IsGreaterThan(1f);
    }
}

using System.Runtime.CompilerServices;
using FiniteMemory.Backends;
using FiniteMemory.Local;
using FiniteMemory.Onnx.Decoding;
using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Onnx.Tests.Decoding;

/// <summary>The <c>onnx</c> backend, created by name from settings as an app's configuration would.</summary>
public class BackendTests
{
    private static readonly TinyModelSpec ByteModel = TinyModelSpec.Gpt2(seed: 7) with { Vocab = ByteLevelTokenizerJson.Vocabulary, EosTokenId = ByteLevelTokenizerJson.EndOfText };

    static BackendTests() => RuntimeHelpers.RunModuleConstructor(typeof(OnnxBackends).Module.ModuleHandle);

    [Test]
    public async Task TheOnnxBackendIsRegisteredByNameWithItsOptions()
    {
        await Assert.That(ChatBackends.TryGet("onnx", out var registration)).IsTrue();
        await Assert.That(registration!.Options).Contains("Template").And.Contains("Threads").And.Contains("ModelFile").And.Contains("MaxOutputTokens").And.Contains("Path");
    }

    [Test]
    public async Task AModelFolderBecomesAChatClientThatReusesItsCacheAcrossTurns()
    {
        using var folder = Gpt2ModelFolder.Create(ByteModel, tokenizerJson: ByteLevelTokenizerJson.Create());
        using var client = ChatBackends.Create("onnx", Settings(folder.Path, ("threads", "1"), ("max-output-tokens", "6"), ("template", "chatml"), ("prefill-chunk", "5")));

        List<ChatMessage> window = [new(ChatRole.User, "hi there")];
        var first = await client.GetResponseAsync(window);
        window.Add(first.Messages[0]);
        window.Add(new(ChatRole.User, "more"));
        var second = await client.GetResponseAsync(window);

        var local = client.GetService<LocalChatClient>()!;
        var firstPrompt = local.Encoder.Encode(window[..1]);
        await Assert.That(client.GetService<OnnxCausalLanguageModel>()).IsNotNull();
        await Assert.That(first.Usage!.OutputTokenCount!.Value).IsLessThanOrEqualTo(6);
        await Assert.That(second.Usage!.CachedInputTokenCount!.Value).IsGreaterThanOrEqualTo(firstPrompt.Count);
        await Assert.That(local.Encoder.IsSpecialToken("<|im_start|>")).IsTrue();
        await Assert.That(client.GetService<ChatClientMetadata>()!.DefaultModelId).IsEqualTo(Path.GetFileName(folder.Path));

        // The folder may also come from the path option, leaving the model setting as the reported name.
        using var named = ChatBackends.Create("onnx", Settings("tiny-gpt2", ("path", folder.Path), ("threads", "1")));
        await Assert.That(named.GetService<ChatClientMetadata>()!.DefaultModelId).IsEqualTo("tiny-gpt2");
    }

    [Test]
    public async Task MissingOrWrongSettingsAreRefusedNamingTheFix()
    {
        var noModel = await Assert.ThrowsAsync<BackendConfigurationException>(() => Task.Run(() => ChatBackends.Create("onnx", Settings(null))));
        await Assert.That(noModel!.Message).Contains("model folder");

        var missing = Path.Combine(Path.GetTempPath(), "fm-no-such-model-" + Guid.NewGuid().ToString("N"));
        var noFolder = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Task.Run(() => ChatBackends.Create("onnx", Settings(missing))));
        await Assert.That(noFolder!.Message).Contains(missing);

        using var withoutTokenizer = Gpt2ModelFolder.Create(ByteModel);
        var noTokenizer = await Assert.ThrowsAsync<FileNotFoundException>(() => Task.Run(() => ChatBackends.Create("onnx", Settings(withoutTokenizer.Path))));
        await Assert.That(noTokenizer!.Message).Contains("tokenizer.json");

        var template = await Assert.ThrowsAsync<BackendConfigurationException>(() => Task.Run(() => ChatBackends.Create("onnx", Settings(withoutTokenizer.Path, ("template", "alpaca")))));
        await Assert.That(template!.Option).IsEqualTo("template");
        await Assert.That(template.Message).Contains("alpaca").And.Contains("chatml");

        var chunk = await Assert.ThrowsAsync<BackendConfigurationException>(() => Task.Run(() => ChatBackends.Create("onnx", Settings(withoutTokenizer.Path, ("prefill-chunk", "0")))));
        await Assert.That(chunk!.Option).IsEqualTo("prefill-chunk");
        await Assert.That(chunk.Message).Contains("at least 1 token");

        var unknown = await Assert.ThrowsAsync<BackendConfigurationException>(() => Task.Run(() => ChatBackends.Create("onnx", Settings(withoutTokenizer.Path, ("temperature", "0.5")))));
        await Assert.That(unknown!.Message).Contains("temperature");
    }

    private static BackendSettings Settings(string? model, params (string Key, string Value)[] options) => new()
    {
        Model = model,
        Options = options.ToDictionary(o => o.Key, o => o.Value, StringComparer.OrdinalIgnoreCase),
    };
}

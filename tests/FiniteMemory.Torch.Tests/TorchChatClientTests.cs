using TUnit.Assertions.Enums;
using FiniteMemory.Backends;
using FiniteMemory.Local;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Torch.Tests;

public class TorchChatClientTests
{
    private static readonly ChatMessage[] FirstTurn =
    [
        new(ChatRole.System, "You are a travel assistant."),
        new(ChatRole.User, "I am planning a trip to Kyoto in April with my sister."),
    ];

    // Sampling cases keep a top-k cut: over the full 50,257-token vocabulary of a random model the distribution is so
    // flat that the last-bit differences between a cached and a full forward pass (different matmul shapes, < 1e-5)
    // can move a draw across the boundary between two tokens, which says nothing about the cache.
    public static IEnumerable<Func<(string Folder, ChatOptions Options)>> Cases() =>
    [
        () => (TestModels.Gpt2Folder, new ChatOptions { MaxOutputTokens = 12 }),
        () => (TestModels.Gpt2Folder, new ChatOptions { MaxOutputTokens = 12, Temperature = 0.8f, TopK = 50, TopP = 0.9f, Seed = 99 }),
        () => (TestModels.LlamaFolder, new ChatOptions { MaxOutputTokens = 12 }),
        () => (TestModels.LlamaFolder, new ChatOptions { MaxOutputTokens = 12, Temperature = 1.1f, TopK = 40, Seed = 5, AdditionalProperties = new() { ["repetition_penalty"] = 1.3 } }),
    ];

    private static (LocalChatClient Client, TracingModel Model) Create(string folder, bool reuse)
    {
        var model = new TracingModel(TorchDecoder.Load(folder));
        return (new LocalChatClient(model, TestModels.Gpt2Tokenizer, new LocalChatClientOptions { ReuseCache = reuse }), model);
    }

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task TurnsWithPrefixReuseComputeExactlyTheTokensOfAFullRecompute((string Folder, ChatOptions Options) c)
    {
        var (reusing, traced) = Create(c.Folder, reuse: true);
        var (fresh, baseline) = Create(c.Folder, reuse: false);
        using (reusing)
        using (fresh)
        {
            List<ChatMessage> conversation = [.. FirstTurn];
            string[] questions = ["Which temples should we see?", "And where do we eat?", "How many days is enough?"];
            var earlier = 0;
            foreach (var question in questions)
            {
                var before = traced.LastCacheIds.ToList();
                var reused = await reusing.GetResponseAsync(conversation, c.Options.Clone());
                var recomputed = await fresh.GetResponseAsync(conversation, c.Options.Clone());

                await Assert.That(traced.LastCacheIds).IsEquivalentTo(baseline.LastCacheIds, CollectionOrdering.Matching);
                await Assert.That(reused.Text).IsEqualTo(recomputed.Text);

                var prompt = reusing.Encoder.Encode(conversation);
                var common = before.Zip(prompt).TakeWhile(static p => p.First == p.Second).Count();
                await Assert.That(reused.Usage!.CachedInputTokenCount).IsEqualTo(Math.Min(common, prompt.Count - 1));
                await Assert.That(recomputed.Usage!.CachedInputTokenCount).IsEqualTo(0);

                // From the second turn on, every message the previous turn's prompt held was reused (the previous reply
                // and the new question are what is computed, give or take where the reply's tokens re-encode differently).
                await Assert.That(reused.Usage!.CachedInputTokenCount ?? 0).IsGreaterThanOrEqualTo(earlier);
                earlier = reusing.Encoder.Encode(conversation, addGenerationPrompt: false).Count;

                conversation.AddRange(reused.Messages);
                conversation.Add(new ChatMessage(ChatRole.User, question));
            }

            await Assert.That(earlier).IsGreaterThan(0);
            await Assert.That(traced.ComputedTokens).IsLessThan(baseline.ComputedTokens);
        }
    }

    [Test]
    public async Task AWindowLongerThanTheModelsContextIsRefusedBeforeAnyWork()
    {
        using var client = TorchBackends.Create(TestModels.Gpt2Folder, tokenizer: TestModels.Gpt2Tokenizer);
        var longText = string.Join(" ", Enumerable.Repeat("Kyoto temples gardens", 120));
        var ex = await Assert.That(async () => await client.GetResponseAsync([new ChatMessage(ChatRole.User, longText)])).Throws<ArgumentException>();
        await Assert.That(ex!.Message).Contains("256 positions");
        await Assert.That(ex.Message).Contains("memory policy's budget");
    }

    [Test]
    public async Task TheTorchBackendIsRegisteredByNameAndChecksItsSettings()
    {
        _ = typeof(TorchBackends);
        var folder = TestModels.Folder("backend-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.GetFiles(TestModels.Gpt2Folder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        // A tokenizer.json is what a real model folder brings; without one the error says so.
        var noTokenizer = await Assert.That(() => ChatBackends.Create("torch", new BackendSettings { Model = folder })).Throws<FileNotFoundException>();
        await Assert.That(noTokenizer!.Message).Contains("tokenizer.json");

        var device = await Assert.That(() => ChatBackends.Create("torch", new BackendSettings { Model = folder, Options = new Dictionary<string, string> { ["device"] = "cuda" } }))
            .Throws<BackendConfigurationException>();
        await Assert.That(device!.Message).Contains("'cpu'");

        var none = await Assert.That(() => ChatBackends.Create("torch", new BackendSettings())).Throws<BackendConfigurationException>();
        await Assert.That(none!.Message).Contains("model folder");

        var missing = await Assert.That(() => ChatBackends.Create("torch", new BackendSettings { Options = new Dictionary<string, string> { ["path"] = folder + "-missing" } }))
            .Throws<DirectoryNotFoundException>();
        await Assert.That(missing!.Message).Contains("-missing");
    }
}

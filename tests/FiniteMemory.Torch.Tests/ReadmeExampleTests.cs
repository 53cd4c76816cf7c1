using FiniteMemory.Local;
using FiniteMemory.Local.Chat;
using FiniteMemory.Local.Importance;
using FiniteMemory.Policies;
using FiniteMemory.Testing;

namespace FiniteMemory.Torch.Tests;

public class ReadmeExampleTests
{
    [Test]
    public async Task TheReadmesLocalModelExampleChatsWithReuseThatTheSessionCountsAsCacheHits()
    {
        // --- README: Local models (the test folder has no tokenizer.json, so GPT-2's tokenizer is passed) ---
        using var model = TorchBackends.Create(TestModels.LlamaFolder, new LocalChatClientOptions { Template = ChatTemplate.ChatML, DefaultMaxOutputTokens = 6 }, TestModels.Gpt2Tokenizer);
        var session = new MemorySession(model, new MemoryOptions
        {
            Budget = 150,
            Policy = new ImportancePolicy(),
            Importance = new AttentionImportanceSource(model),
        });

        // --- end ---
        string[] turns =
        [
            "My sister Mia is allergic to peanuts.", "We land in Kyoto on the 3rd of April.", "The hotel is near Gion, room 512.",
            "We want to see Fushimi Inari early.", "Dinner on the first night should be vegetarian.", "What is my sister allergic to?",
        ];
        foreach (var turn in turns)
        {
            await session.ChatAsync(turn);
        }

        var stats = session.Stats;
        await Assert.That(stats.Turns).IsEqualTo(turns.Length);
        await Assert.That(stats.CacheHits).IsGreaterThan(0);
        await Assert.That(stats.CacheHits + stats.CacheMisses).IsEqualTo(turns.Length);
        await Assert.That(stats.CachedInputTokens).IsGreaterThan(0);
        await Assert.That(stats.Evictions).IsGreaterThan(0);
    }
}

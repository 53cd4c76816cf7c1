using FiniteMemory.Local;
using FiniteMemory.Local.Importance;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Torch.Tests;

public class TorchImportanceTests
{
    private static List<MemoryEntry> Entries()
    {
        var transcript = new Transcript(TokenCounter.Default);
        string[] texts =
        [
            "My sister Mia is allergic to peanuts.", "ok thanks", "We land in Kyoto on the 3rd of April.",
            "Sounds good.", "The hotel is near Gion, room 512.", "What is my sister allergic to?",
        ];
        foreach (var (text, i) in texts.Select(static (t, i) => (t, i)))
        {
            transcript.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, text));
        }

        return [.. Enumerable.Range(0, texts.Length).Select(i => transcript[i])];
    }

    private static async Task<float[]> Score(IImportanceSource source, List<MemoryEntry> entries)
    {
        var scores = new float[entries.Count - 1];
        Array.Fill(scores, float.NaN);
        await source.ScoreAsync(entries[..^1], entries[^1], scores, CancellationToken.None);
        return scores;
    }

    public static IEnumerable<Func<string>> Folders() => [() => TestModels.Gpt2Folder, () => TestModels.LlamaFolder];

    [Test]
    [MethodDataSource(nameof(Folders))]
    public async Task TorchImportanceScoresMatchTheReferenceDecoders(string folder)
    {
        using var torch = new LocalChatClient(TorchDecoder.Load(folder), TestModels.Gpt2Tokenizer);
        using var reference = new LocalChatClient(new ReferenceDecoder(folder), TestModels.Gpt2Tokenizer);
        var entries = Entries();

        var attention = await Score(new AttentionImportanceSource(torch), entries);
        var expectedAttention = await Score(new AttentionImportanceSource(reference), entries);
        var probes = await Score(new LogitProbeImportanceSource(torch, maxProbes: 5), entries);
        var expectedProbes = await Score(new LogitProbeImportanceSource(reference, maxProbes: 5), entries);

        for (var i = 0; i < attention.Length; i++)
        {
            await Assert.That(float.IsFinite(attention[i]) && float.IsFinite(probes[i])).IsTrue();
            await Assert.That(Math.Abs(attention[i] - expectedAttention[i])).IsLessThan(1e-4f);
            await Assert.That(Math.Abs(probes[i] - expectedProbes[i])).IsLessThan(1e-3f);
        }
    }
}

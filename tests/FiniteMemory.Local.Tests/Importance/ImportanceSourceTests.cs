using FiniteMemory.Local.Importance;
using FiniteMemory.Policies;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Local.Tests.Importance;

public class ImportanceSourceTests
{
    private static readonly string[] Texts =
    [
        "My sister Mia is allergic to peanuts.",
        "ok thanks",
        "We land in Kyoto on the 3rd of April.",
        "Sounds good.",
        "The hotel is near Gion, room 512.",
    ];

    private static LocalChatClient Client() => new(new ReferenceDecoder(TestModels.Gpt2Folder), TestModels.Gpt2Tokenizer);

    private static (List<MemoryEntry> Entries, MemoryEntry Query) Entries(string query = "What is my sister allergic to?")
    {
        var transcript = new Transcript(TokenCounter.Default);
        foreach (var (text, i) in Texts.Select(static (t, i) => (t, i)))
        {
            transcript.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, text));
        }

        transcript.Add(new ChatMessage(ChatRole.User, query));
        return ([.. Enumerable.Range(0, Texts.Length).Select(i => transcript[i])], transcript[Texts.Length]);
    }

    private static async Task<float[]> Score(IImportanceSource source, List<MemoryEntry> entries, MemoryEntry? query)
    {
        var scores = new float[entries.Count];
        Array.Fill(scores, float.NaN);
        await source.ScoreAsync(entries, query, scores, CancellationToken.None);
        return scores;
    }

    [Test]
    public async Task AttentionScoresEveryEntryInZeroToOneWithTheMostAttendedAtOne()
    {
        using var client = Client();
        var source = new AttentionImportanceSource(client);
        var (entries, query) = Entries();

        var scores = await Score(source, entries, query);

        await Assert.That(scores.All(static s => float.IsFinite(s) && s >= 0 && s <= 1)).IsTrue();
        await Assert.That(scores.Max()).IsEqualTo(1f);
        await Assert.That(scores.Distinct().Count()).IsEqualTo(scores.Length);
        await Assert.That(await Score(source, entries, query)).IsEquivalentTo(scores, CollectionOrdering.Matching);
    }

    [Test]
    public async Task AttentionScoresAreTheMeanAttentionEachEntrysTokensReceivedFromTheQuery()
    {
        using var client = Client();
        var (entries, query) = Entries();
        var scores = await Score(new AttentionImportanceSource(client), entries, query);

        // The same computation written out: render, run the entries, then the query with attention.
        var encoder = client.Encoder;
        var ids = new List<int>();
        var spans = new List<(int, int)>();
        foreach (var e in entries)
        {
            var start = ids.Count;
            encoder.AppendMessage(ids, e.Message);
            spans.Add((start, ids.Count));
        }

        var queryStart = ids.Count;
        encoder.AppendMessage(ids, query.Message);
        encoder.AppendGenerationPrompt(ids);
        using var model = new ReferenceDecoder(TestModels.Gpt2Folder);
        using var cache = model.CreateCache();
        var logits = new float[model.Config.VocabSize];
        var received = new float[ids.Count];
        model.Forward(cache, ids.ToArray().AsSpan(0, queryStart), logits);
        model.ForwardWithAttention(cache, ids.ToArray().AsSpan(queryStart), logits, received);
        var raw = spans.Select(s => received[s.Item1..s.Item2].Average()).ToArray();
        var expected = raw.Select(r => r / raw.Max()).ToArray();

        for (var i = 0; i < expected.Length; i++)
        {
            await Assert.That(float.IsFinite(scores[i])).IsTrue();
            await Assert.That(Math.Abs(scores[i] - expected[i])).IsLessThan(1e-5f);
        }
    }

    [Test]
    public async Task EntriesThatDoNotFitTheContextGetNoSignalFromTheOldest()
    {
        using var client = Client();
        var transcript = new Transcript(TokenCounter.Default);
        for (var i = 0; i < 40; i++)
        {
            transcript.Add(new ChatMessage(ChatRole.User, $"Message {i} talks about the gardens of Kyoto in spring."));
        }

        List<MemoryEntry> entries = [.. Enumerable.Range(0, 40).Select(i => transcript[i])];
        var scores = await Score(new AttentionImportanceSource(client), entries, null);

        var firstScored = Array.FindIndex(scores, static s => !float.IsNaN(s));
        await Assert.That(firstScored).IsGreaterThan(0);
        await Assert.That(scores[firstScored..].All(static s => float.IsFinite(s) && s >= 0 && s <= 1)).IsTrue();
    }

    [Test]
    public async Task LogitProbesScoreTheMostRecentEntriesAndLeaveTheRestWithoutSignal()
    {
        using var client = Client();
        var (entries, query) = Entries();
        var source = new LogitProbeImportanceSource(client, maxProbes: 3);

        var scores = await Score(source, entries, query);

        await Assert.That(scores[..2].All(float.IsNaN)).IsTrue();
        await Assert.That(scores[2..].All(static s => float.IsFinite(s) && s >= 0 && s <= 1)).IsTrue();
        await Assert.That(await Score(source, entries, null)).IsEquivalentTo(Enumerable.Repeat(float.NaN, entries.Count).ToArray());
    }

    [Test]
    public async Task ALogitProbeIsTheDropInTheQuerysLogLikelihoodWithoutTheEntry()
    {
        using var client = Client();
        var (entries, query) = Entries();
        var scores = await Score(new LogitProbeImportanceSource(client, maxProbes: entries.Count), entries, query);

        // Recomputed from scratch, without any cache reuse: log p(query | context) with and without each entry.
        using var model = new ReferenceDecoder(TestModels.Gpt2Folder);
        var encoder = client.Encoder;
        var queryIds = new List<int>();
        encoder.AppendMessage(queryIds, query.Message);
        double LogLikelihood(IEnumerable<MemoryEntry> context)
        {
            var ids = new List<int>();
            foreach (var e in context)
            {
                encoder.AppendMessage(ids, e.Message);
            }

            var start = ids.Count;
            ids.AddRange(queryIds);
            using var cache = model.CreateCache();
            var vocab = model.Config.VocabSize;
            var logits = new float[(ids.Count - 1) * vocab];
            model.Forward(cache, ids.ToArray().AsSpan(0, ids.Count - 1), logits);
            double sum = 0;
            for (var k = start; k < ids.Count; k++)
            {
                var row = logits.AsSpan((k - 1) * vocab, vocab).ToArray();
                var max = row.Max();
                sum += row[ids[k]] - max - Math.Log(row.Sum(v => Math.Exp(v - max)));
            }

            return sum;
        }

        var baseline = LogLikelihood(entries);
        var drops = entries.Select((_, i) => baseline - LogLikelihood(entries.Where((_, j) => j != i))).ToArray();
        var (min, max) = (drops.Min(), drops.Max());
        await Assert.That(max - min).IsGreaterThan(1e-3);
        for (var i = 0; i < drops.Length; i++)
        {
            await Assert.That(float.IsFinite(scores[i])).IsTrue();
            await Assert.That(Math.Abs(scores[i] - ((drops[i] - min) / (max - min)))).IsLessThan(1e-3);
        }
    }

    [Test]
    public async Task AttentionFindsTheEntryHoldingTheTokenAModelProvablyAttendsTo()
    {
        var (entries, query) = Entries();
        var tokenizer = TestModels.Gpt2Tokenizer;

        // A token of the hotel entry (index 4) that no other entry, the query or the template uses.
        var others = new HashSet<int>(Texts.Where(static (_, i) => i != 4).Append(query.Message.Text).Append("<|im_start|>user assistant\n<|im_end|>\n")
            .SelectMany(t => tokenizer.EncodeToIds(t)));
        var planted = tokenizer.EncodeToIds(Texts[4]).First(id => !others.Contains(id));
        var folder = TinyModels.WritePlantedAttention(TinyModelSpec.Llama(), planted, TestModels.Folder("planted-" + planted));

        using var client = new LocalChatClient(new ReferenceDecoder(folder), tokenizer);
        var scores = await Score(new AttentionImportanceSource(client), entries, query);

        await Assert.That(scores[4]).IsEqualTo(1f);
        await Assert.That(scores.Where(static (_, i) => i != 4).All(static s => s < 0.05f)).IsTrue();
    }

    [Test]
    public async Task TheImportancePolicyUsesTheModelsAttentionEndToEnd()
    {
        using var client = Client();
        var source = new CountingSource(new AttentionImportanceSource(client));
        var session = new MemorySession(new MemoryOptions { Budget = 120, Policy = new ImportancePolicy(), Importance = source });
        foreach (var (text, i) in Texts.Select(static (t, i) => (t, i)))
        {
            session.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, text));
        }

        for (var i = 0; i < 6; i++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"Day {i}: we walked around the old town and ate noodles."));
            session.Add(new ChatMessage(ChatRole.Assistant, "That sounds lovely."));
        }

        session.Add(new ChatMessage(ChatRole.User, "What is my sister allergic to?"));
        var window = await session.PrepareAsync();

        await Assert.That(source.Calls).IsEqualTo(1);
        await Assert.That(source.Scored).IsGreaterThan(0);
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(window.Available);
        await Assert.That(window.Report.Notes.Any(static n => n.Contains("heuristic only", StringComparison.Ordinal))).IsFalse();
        await Assert.That(window.Report.Evicted.Count).IsGreaterThan(0);
    }

    private sealed class CountingSource(IImportanceSource inner) : IImportanceSource
    {
        public int Calls { get; private set; }

        public int Scored { get; private set; }

        public string Name => inner.Name;

        public async ValueTask ScoreAsync(IReadOnlyList<MemoryEntry> entries, MemoryEntry? query, Memory<float> scores, CancellationToken cancellationToken)
        {
            Calls++;
            await inner.ScoreAsync(entries, query, scores, cancellationToken);
            Scored += scores.ToArray().Count(float.IsFinite);
        }
    }
}

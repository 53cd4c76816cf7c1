using TUnit.Assertions.Enums;
using FiniteMemory.Local;
using FiniteMemory.Onnx.Decoding;
using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Onnx.Tests.Decoding;

/// <summary>The next turn reuses the cached prefix and still produces exactly what a full recompute produces.</summary>
public class PrefixReuseTests
{
    private static readonly OnnxDecoderOptions OneThread = new() { IntraOpThreads = 1 };

    [Test]
    public async Task GreedyTokensAfterReusingAPrefixEqualThoseOfAFullRecompute()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var model = OnnxCausalLanguageModel.Load(folder.Path, OneThread);
        var turn1 = GraphTests.Encode("User: where did we put the spare keys?\nAssistant:");
        int[] turn2 = [.. turn1, .. GraphTests.Encode(" In the blue drawer.\nUser: and the bike lock?\nAssistant:")];

        // Turn 1 then turn 2 over the same cache, cut back to the shared prefix; against turn 2 from an empty cache.
        using var reused = model.CreateCache();
        var turn1Reply = Greedy(model, reused, turn1, 12);
        reused.Truncate(turn1.Length);
        var withReuse = Greedy(model, reused, turn2.AsSpan(turn1.Length), 24);

        using var fresh = model.CreateCache();
        var recomputed = Greedy(model, fresh, turn2, 24);

        await Assert.That(turn1Reply.Count).IsEqualTo(12);
        await Assert.That(withReuse).IsEquivalentTo(recomputed, CollectionOrdering.Matching);
        await Assert.That(recomputed.Distinct().Count()).IsGreaterThan(1);
    }

    [Test]
    public async Task TheChatClientReusesTheCommonPrefixAndAnswersExactlyAsWithoutReuse()
    {
        using var folder = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        using var reusing = new LocalChatClient(OnnxCausalLanguageModel.Load(folder.Path, OneThread), TestModels.Gpt2Tokenizer);
        using var recomputing = new LocalChatClient(OnnxCausalLanguageModel.Load(folder.Path, OneThread), TestModels.Gpt2Tokenizer, new LocalChatClientOptions { ReuseCache = false });
        var encoder = reusing.Encoder;

        List<ChatMessage> window = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Where are the spare keys?")];
        var first = await Both(window, new ChatOptions { MaxOutputTokens = 1 });
        await Assert.That(first.Reused.Usage!.CachedInputTokenCount).IsEqualTo(0);

        // Turn 2 extends turn 1's window: everything turn 1 computed is reused (a one-token reply is never run, so
        // the cache holds exactly turn 1's prompt).
        window.Add(new(ChatRole.Assistant, "In the blue drawer."));
        window.Add(new(ChatRole.User, "And the bike lock? Answer in one line."));
        var prompt1 = encoder.Encode(window[..2]);
        var prompt2 = encoder.Encode(window);
        await Assert.That(prompt2.Take(prompt1.Count)).IsEquivalentTo(prompt1, CollectionOrdering.Matching);
        var second = await Both(window, new ChatOptions { MaxOutputTokens = 20 });
        await Assert.That(second.Reused.Usage!.CachedInputTokenCount).IsEqualTo(prompt1.Count);
        await Assert.That(second.Reused.Usage!.AdditionalCounts![LocalChatClient.ComputedTokensKey]).IsEqualTo(prompt2.Count - prompt1.Count);

        // Turn 3: the memory policy evicted the first user message and the answer. Reuse stops where the windows part.
        List<ChatMessage> evicted = [window[0], window[3], new(ChatRole.Assistant, second.Reused.Text), new(ChatRole.User, "Thanks.")];
        var prompt3 = encoder.Encode(evicted);
        var common = prompt2.Zip(prompt3).TakeWhile(pair => pair.First == pair.Second).Count();
        var third = await Both(evicted, new ChatOptions { MaxOutputTokens = 20 });
        await Assert.That(common).IsGreaterThan(encoder.Encode([window[0]], addGenerationPrompt: false).Count - 1);
        await Assert.That(third.Reused.Usage!.CachedInputTokenCount).IsEqualTo(common);
        await Assert.That(third.Reused.Usage!.InputTokenCount).IsEqualTo(prompt3.Count);

        foreach (var (reused, recomputed) in new[] { first, second, third })
        {
            await Assert.That(reused.Text).IsEqualTo(recomputed.Text);
            await Assert.That(reused.Usage!.OutputTokenCount).IsEqualTo(recomputed.Usage!.OutputTokenCount);
            await Assert.That(recomputed.Usage!.CachedInputTokenCount).IsEqualTo(0);
        }

        await Assert.That(second.Reused.Text.Length).IsGreaterThan(0);

        async Task<(ChatResponse Reused, ChatResponse Recomputed)> Both(List<ChatMessage> messages, ChatOptions options) =>
            (await reusing.GetResponseAsync(messages, options), await recomputing.GetResponseAsync(messages, options));
    }

    private static List<int> Greedy(OnnxCausalLanguageModel model, IKeyValueCache cache, ReadOnlySpan<int> prompt, int count)
    {
        var logits = new float[model.Config.VocabSize];
        model.Forward(cache, prompt, logits);
        var tokens = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var next = ArgMax(logits);
            tokens.Add(next);
            model.Forward(cache, [next], logits);
        }

        return tokens;
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}

using FiniteMemory.Local.Decoding;
using FiniteMemory.Testing;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Local.Tests.Decoding;

public class DecodingTests
{
    [Test]
    public async Task AStopSequenceSpreadOverSeveralTokensEndsTheReplyBeforeIt()
    {
        var tokenizer = TestModels.Gpt2Tokenizer;
        var ids = tokenizer.EncodeToIds("Sure. Done<|im_end|>\nmore");
        var text = new GeneratedText(tokenizer, ["<|im_end|>"]);
        var streamed = "";
        foreach (var id in ids)
        {
            streamed += text.Append(id);
            if (text.Stopped)
            {
                break;
            }
        }

        await Assert.That(text.Stopped).IsTrue();
        await Assert.That(text.Text).IsEqualTo("Sure. Done");
        await Assert.That(streamed).IsEqualTo("Sure. Done");
    }

    [Test]
    public async Task StreamedTextNeverSplitsAUtf8Character()
    {
        var tokenizer = TestModels.Gpt2Tokenizer;
        const string Expected = "Café 🍣 und Grüße — 東京";
        var ids = tokenizer.EncodeToIds(Expected);
        var text = new GeneratedText(tokenizer, []);
        var pieces = ids.Select(text.Append).ToList();
        pieces.Add(text.Flush());

        await Assert.That(string.Concat(pieces)).IsEqualTo(Expected);
        await Assert.That(pieces.Any(static p => p.Contains('\uFFFD', StringComparison.Ordinal))).IsFalse();
        await Assert.That(ids.Count).IsGreaterThan(Expected.Length / 2);
    }

    [Test]
    public async Task GreedyPicksTheLargestLogitAndTopKOfOneAgrees()
    {
        var logits = new float[] { 0.1f, 2f, -1f, 1.9f };
        await Assert.That(new TokenSampler(new SamplingOptions()).Next(logits.ToArray(), [])).IsEqualTo(1);
        await Assert.That(new TokenSampler(new SamplingOptions { Temperature = 5f, TopK = 1, Seed = 3 }).Next(logits.ToArray(), [])).IsEqualTo(1);
    }

    [Test]
    public async Task TheSameSeedSamplesTheSameTokensAndAnotherSeedDiffers()
    {
        static List<int> Draw(long seed)
        {
            var sampler = new TokenSampler(new SamplingOptions { Temperature = 1f, Seed = seed });
            var logits = Enumerable.Range(0, 50).Select(static i => (float)Math.Sin(i)).ToArray();
            return [.. Enumerable.Range(0, 40).Select(_ => sampler.Next(logits.ToArray(), []))];
        }

        await Assert.That(Draw(7)).IsEquivalentTo(Draw(7), CollectionOrdering.Matching);
        await Assert.That(Draw(7).SequenceEqual(Draw(8))).IsFalse();
    }

    [Test]
    public async Task TopPKeepsOnlyTheTokensThatReachTheProbability()
    {
        // Token 0 alone has ~88% of the mass: with top-p 0.5 nothing else can be drawn.
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 1f, TopP = 0.5f, Seed = 1 });
        var draws = Enumerable.Range(0, 200).Select(_ => sampler.Next(new[] { 3f, 1f, 0f, -1f }, [])).ToHashSet();
        await Assert.That(draws).IsEquivalentTo(new[] { 0 }, CollectionOrdering.Matching);
    }

    [Test]
    public async Task TheRepetitionPenaltyTurnsAwayFromTokensAlreadySeen()
    {
        var sampler = new TokenSampler(new SamplingOptions { RepetitionPenalty = 2f });
        await Assert.That(sampler.Next(new[] { 1.5f, 1f, -3f }, [0])).IsEqualTo(1);
        await Assert.That(() => new TokenSampler(new SamplingOptions { RepetitionPenalty = 0f })).Throws<ArgumentOutOfRangeException>();
    }
}

using CsCheck;
using FiniteMemory.Tests.Support;

namespace FiniteMemory.Tests.Tokens;

public class TextTruncatorTests
{
    private static readonly TokenCounter Counter = TokenCounter.Default;

    private static string Sentences(int count) =>
        string.Join(" ", Enumerable.Range(1, count).Select(i => $"Sentence number {i} talks about the trip to Kyoto on day {i}."));

    [Test]
    public async Task TextThatFitsIsReturnedUnchanged()
    {
        var text = Sentences(3);
        await Assert.That(TextTruncator.Truncate(Counter, text, 1000)).IsSameReferenceAs(text);
    }

    [Test]
    public async Task LongTextKeepsWholeSentencesFromItsHeadAndTailAroundAMarker()
    {
        var text = Sentences(200);
        var result = TextTruncator.Truncate(Counter, text, 120)!;

        await Assert.That(Counter.CountTokens(result)).IsLessThanOrEqualTo(120);
        await Assert.That(result).StartsWith("Sentence number 1 talks");
        await Assert.That(result).EndsWith("on day 200.");
        await Assert.That(result).Contains(TextTruncator.MarkerTag);

        var marker = result.IndexOf("\n[…", StringComparison.Ordinal);
        await Assert.That(result[..marker]).EndsWith(".");
        await Assert.That(result[(result.IndexOf("…]\n", StringComparison.Ordinal) + 3)..]).StartsWith("Sentence number");
    }

    [Test]
    public async Task TheMarkerSaysRoughlyHowManyTokensWereLeftOut()
    {
        var text = Sentences(200);
        var total = Counter.CountTokens(text);
        var result = TextTruncator.Truncate(Counter, text, 150)!;
        var start = result.IndexOf("[… ", StringComparison.Ordinal) + 3;
        var omitted = int.Parse(result[start..result.IndexOf(' ', start)], System.Globalization.CultureInfo.InvariantCulture);
        await Assert.That(omitted).IsGreaterThan(total - 150);
        await Assert.That(omitted).IsLessThanOrEqualTo(total);
    }

    [Test]
    public async Task JapaneseTextIsCutAtItsSentenceEnds()
    {
        var text = string.Concat(Enumerable.Range(1, 150).Select(i => $"京都の宿の予約番号はQX7-42Bです。{i}日目は晴れでした。"));
        var result = TextTruncator.Truncate(Counter, text, 100)!;
        await Assert.That(Counter.CountTokens(result)).IsLessThanOrEqualTo(100);
        await Assert.That(result[..result.IndexOf("\n[…", StringComparison.Ordinal)]).EndsWith("。");
    }

    [Test]
    public async Task ALimitTooSmallForTheMarkerGivesNull()
    {
        await Assert.That(TextTruncator.Truncate(Counter, Sentences(50), 10)).IsNull();
    }

    [Test]
    public async Task TruncatedTextNeverExceedsItsLimit()
    {
        Gen.Select(Gen.Int, Gen.Int[0, 3000], Gen.Int[1, 400]).Sample((seed, words, limit) =>
        {
            var text = RandomConversation.Text(new Random(seed), words, words);
            var result = TextTruncator.Truncate(Counter, text, limit);
            if (result is null)
            {
                if (limit >= 40)
                {
                    throw new InvalidOperationException($"No truncation of {words} words to {limit} tokens.");
                }

                return;
            }

            var count = Counter.CountTokens(result);
            if (count > limit || (!ReferenceEquals(result, text) && !result.Contains(TextTruncator.MarkerTag, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"{count} tokens for a limit of {limit}, or no marker.");
            }

            if (result.Any(char.IsSurrogate) && !IsWellFormed(result))
            {
                throw new InvalidOperationException("A surrogate pair was split.");
            }
        }, iter: 1000, threads: 1);

        await Task.CompletedTask;
    }

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}

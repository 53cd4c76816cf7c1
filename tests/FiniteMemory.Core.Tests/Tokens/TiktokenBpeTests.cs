using System.IO.Compression;
using System.Text;
using CsCheck;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Tests.Tokens;

/// <summary>
/// <see cref="TiktokenBpe"/> must count exactly like Microsoft.ML.Tokenizers' TiktokenTokenizer, which serves as the oracle.
/// </summary>
public class TiktokenBpeTests
{
    // Creating a library tokenizer costs up to a few hundred milliseconds, so each is built once for the class.
    private static readonly Lazy<TiktokenTokenizer> LibraryO200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<TiktokenTokenizer> LibraryCl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));
    private static readonly Lazy<TiktokenTokenizer> LibraryGpt2 = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    /// <summary>
    /// The library tokenizer for <paramref name="preset"/>, with its special tokens freshly used. The library counts special-token
    /// text as one token only while that text sits in its 8192-entry LRU cache of pieces; once enough other pieces push it out,
    /// it encodes the text as ordinary characters. Touching the special tokens before every comparison keeps the oracle on its
    /// intended behavior, and checking the result makes sure it still is.
    /// </summary>
    private static TiktokenTokenizer Library(TokenizerPreset preset)
    {
        (TiktokenTokenizer library, string specials, string ids) = preset switch
        {
            TokenizerPreset.O200k => (LibraryO200k.Value, "<|endoftext|><|endofprompt|>", "199999,200018"),
            TokenizerPreset.Cl100k => (LibraryCl100k.Value, "<|endoftext|><|fim_prefix|><|fim_middle|><|fim_suffix|><|endofprompt|>", "100257,100258,100259,100260,100276"),
            _ => (LibraryGpt2.Value, "<|endoftext|>", "50256"),
        };

        if (string.Join(",", library.EncodeToIds(specials)) != ids)
        {
            throw new InvalidOperationException($"The library oracle for {preset} no longer encodes its special tokens as special tokens.");
        }

        return library;
    }

    private static readonly string[] TrickyStrings =
    [
        "",
        " ",
        "   ",
        "a",
        "\n",
        "\r\n\r\n",
        "line one\r\nline two\r\n\r\n\r\nline three\n",
        "\t\tindented\twith\ttabs\t",
        "trailing spaces   ",
        "   leading spaces",
        "I'LL don't we've THEY'RE she's it'd you'll I'M",
        "12345678901234567890123456789",
        "3.14159 1,000,000 -42 0x7FFF 1e-9",
        "https://example.com/path/to/page?query=value&other=1#fragment",
        "user@example.com /usr/local/bin/dotnet C:\\Windows\\System32",
        "public static int Main(string[] args) { return args.Length > 0 ? 1 : 0; }",
        "    if (x != null && y >= 2) {\n        return x?.Value ?? default;\n    }\n",
        "{\"id\": 42, \"name\": \"test\", \"tags\": [\"a\", \"b\"], \"nested\": {\"ok\": true, \"v\": null}}",
        "<summary>Gets the <see cref=\"T:System.String\"/> value.</summary>",
        "😀😃😄 👍🏽👍🏿 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️‍🔥 🇯🇵🇺🇸",
        "你好，世界！这是一个测试句子。人工智能正在改变世界。",
        "ひらがなとカタカナ、漢字も混ざった日本語の文章です。",
        "مرحبا بالعالم، هذا نص عربي.",
        "नमस्ते दुनिया, क्षत्रिय श्रीमान् हिन्दी",
        "Привет, мир! Съешь же ещё этих мягких французских булок.",
        "Γειά σου Κόσμε, αλφάβητο",
        "한국어 텍스트와 English 혼합",
        "café naïve résumé Straße façade e\u0301 n\u0303",
        "𝐀𝐁𝐂 𝕏𝕐 𠀀𠀁𠀂",
        "end <|endoftext|> start",
        "<|endoftext|><|endoftext|>",
        "a<|endofprompt|>b <|fim_prefix|>c<|fim_middle|>d<|fim_suffix|>e",
        "<|endoftext|",
        "lone \uD800 high surrogate",
        "\uD83D",
        "trailing high \uD83D",
        "lone low \uDC00 surrogate",
        "\uFFFD replacement \uFFFD\uFFFD",
        new string(' ', 3000) + "x",
        new string('a', 2000),
        new string('=', 400),
        string.Concat(Enumerable.Repeat("aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ", 12)),
        string.Concat(Enumerable.Repeat("人工智能", 80)),
        string.Concat(Enumerable.Repeat("😀", 100)),
    ];

    /// <summary>
    /// Building blocks for random text: every kind of character class the pre-tokenizer patterns care about,
    /// multi-code-point emoji, combining marks, special tokens and lone surrogates.
    /// </summary>
    private static readonly string[] Letters = ["a", "b", "e", "s", "t", "x", "Z", "Q", "I", "LL", "the", "Hello"];
    private static readonly string[] Digits = ["0", "1", "7", "42", "2024", "3.14"];
    private static readonly string[] Punctuation = [".", ",", "!", "?", "'", "'s", "'ll", "'RE", "\"", "-", "_", "/", "\\", "(", ")", "[", "]", "{", "}", "<", ">", "|", "#", "@", "$", "%", "&", "*", "+", "=", "~", "`", "…", "—", "“", "”"];
    private static readonly string[] Spaces = [" ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u00A0", "\u3000"];
    private static readonly string[] NonLatin = ["é", "ü", "ß", "ñ", "ø", "Ж", "ж", "Ω", "λ", "中", "文", "日本", "語", "ひ", "カ", "한", "ا", "ب", "ت", "ह", "ि", "्", "\u0301", "\u0303", "\uFFFD", "𝐀", "𠀀"];
    private static readonly string[] Emoji = ["😀", "👍", "👍🏽", "❤️", "\u200D", "👨‍👩‍👧", "🏳️‍🌈", "🇯🇵", "\uFE0F"];
    private static readonly string[] Oddities = ["<|endoftext|>", "<|endofprompt|>", "<|fim_prefix|>", "<|", "|>", "\uD83D", "\uDE00"];

    private static readonly Gen<string> MixedText =
        Gen.Frequency(
                (30, Gen.OneOf(Letters)),
                (8, Gen.OneOf(Digits)),
                (12, Gen.OneOf(Punctuation)),
                (20, Gen.OneOf(Spaces)),
                (14, Gen.OneOf(NonLatin)),
                (6, Gen.OneOf(Emoji)),
                (1, Gen.OneOf(Oddities)))
            .Array[0, 60]
            .Select(parts => string.Concat(parts));

    [Test]
    [Arguments(TokenizerPreset.O200k)]
    [Arguments(TokenizerPreset.Cl100k)]
    [Arguments(TokenizerPreset.Gpt2)]
    public async Task CountsAndIdsMatchTheLibraryOnTrickyStrings(TokenizerPreset preset)
    {
        var ours = TiktokenBpe.Get(preset);
        var mismatches = new List<string>();
        foreach (var text in TrickyStrings)
        {
            var library = Library(preset);
            var expectedIds = library.EncodeToIds(text).ToArray();
            var actualIds = ours.EncodeToIds(text);
            var expectedCount = library.CountTokens(text);
            var actualCount = ours.CountTokens(text);
            if (!actualIds.SequenceEqual(expectedIds) || actualCount != expectedCount || actualCount != actualIds.Length)
            {
                mismatches.Add($"{Describe(text)}: count {actualCount} vs {expectedCount}, ids [{string.Join(",", actualIds)}] vs [{string.Join(",", expectedIds)}]");
            }
        }

        await Assert.That(string.Join("\n", mismatches)).IsEqualTo(string.Empty);
    }

    [Test]
    [Arguments(TokenizerPreset.O200k)]
    [Arguments(TokenizerPreset.Cl100k)]
    [Arguments(TokenizerPreset.Gpt2)]
    public async Task CountsAndIdsMatchTheLibraryOnRandomMixedText(TokenizerPreset preset)
    {
        var ours = TiktokenBpe.Get(preset);
        var compared = 0;
        MixedText.Sample(text =>
        {
            var library = Library(preset);
            var expectedIds = library.EncodeToIds(text).ToArray();
            var actualIds = ours.EncodeToIds(text);
            if (!actualIds.SequenceEqual(expectedIds))
            {
                throw new InvalidOperationException($"Ids differ for {Describe(text)}: [{string.Join(",", actualIds)}] vs [{string.Join(",", expectedIds)}]");
            }

            var expectedCount = library.CountTokens(text);
            var actualCount = ours.CountTokens(text);
            if (actualCount != expectedCount)
            {
                throw new InvalidOperationException($"Count differs for {Describe(text)}: {actualCount} vs {expectedCount}");
            }

            Interlocked.Increment(ref compared);
        }, iter: 2000, print: Describe);

        await Assert.That(compared).IsGreaterThanOrEqualTo(2000);
    }

    [Test]
    [Arguments(TokenizerPreset.O200k)]
    [Arguments(TokenizerPreset.Cl100k)]
    [Arguments(TokenizerPreset.Gpt2)]
    public async Task PrefixCutsKeepTheirContract(TokenizerPreset preset)
    {
        var ours = TiktokenBpe.Get(preset);
        MixedText.Sample(text =>
        {
            var total = ours.CountTokens(text);
            var tokens = Library(preset).EncodeToTokens(text, out _);
            var previousIndex = 0;
            for (var max = 0; max <= total + 1; max++)
            {
                var index = ours.GetIndexByTokenCount(text, max, out var count);
                CheckCut(text, index, count, max, previousIndex, ascending: true);
                previousIndex = index;

                // The cut is clean: the first `count` tokens of the full encoding end by it and the others start after it.
                if (count > 0 && tokens[count - 1].Offset.End.Value > index)
                {
                    throw new InvalidOperationException($"Token {count - 1} ends after the cut {index} in {Describe(text)}");
                }

                if (count < tokens.Count && tokens[count].Offset.Start.Value < index)
                {
                    throw new InvalidOperationException($"Token {count} starts before the cut {index} in {Describe(text)}");
                }

                if (max >= total && (index != text.Length || count != total))
                {
                    throw new InvalidOperationException($"Budget {max} >= {total} did not keep all of {Describe(text)}: {index}, {count}");
                }
            }
        }, iter: 1000, print: Describe);

        await Assert.That(ours.GetIndexByTokenCount("Hello, world!", 0, out var none)).IsEqualTo(0);
        await Assert.That(none).IsEqualTo(0);
    }

    [Test]
    [Arguments(TokenizerPreset.O200k)]
    [Arguments(TokenizerPreset.Cl100k)]
    [Arguments(TokenizerPreset.Gpt2)]
    public async Task SuffixCutsKeepTheirContract(TokenizerPreset preset)
    {
        var ours = TiktokenBpe.Get(preset);
        MixedText.Sample(text =>
        {
            var total = ours.CountTokens(text);
            var tokens = Library(preset).EncodeToTokens(text, out _);
            var previousIndex = text.Length;
            for (var max = 0; max <= total + 1; max++)
            {
                var index = ours.GetIndexByTokenCountFromEnd(text, max, out var count);
                CheckCut(text, index, count, max, previousIndex, ascending: false);
                previousIndex = index;

                // The cut is clean: the last `count` tokens of the full encoding start at or after it, the others end by it.
                var firstKept = tokens.Count - count;
                if (count > 0 && tokens[firstKept].Offset.Start.Value < index)
                {
                    throw new InvalidOperationException($"Token {firstKept} starts before the cut {index} in {Describe(text)}");
                }

                if (firstKept > 0 && tokens[firstKept - 1].Offset.End.Value > index)
                {
                    throw new InvalidOperationException($"Token {firstKept - 1} ends after the cut {index} in {Describe(text)}");
                }

                if (max >= total && (index != 0 || count != total))
                {
                    throw new InvalidOperationException($"Budget {max} >= {total} did not keep all of {Describe(text)}: {index}, {count}");
                }
            }
        }, iter: 1000, print: Describe);

        await Assert.That(ours.GetIndexByTokenCountFromEnd("Hello, world!", 0, out var none)).IsEqualTo(13);
        await Assert.That(none).IsEqualTo(0);
    }

    [Test]
    public async Task CutsInsideAnEmojiFallBackToTheCharacterBoundary()
    {
        // '⭐' is two tokens in cl100k (its UTF-8 bytes split 1 + 2), so one token cannot end inside it.
        var bpe = TiktokenBpe.Get(TokenizerPreset.Cl100k);
        const string Text = "⭐⭐";
        await Assert.That(bpe.CountTokens(Text)).IsEqualTo(4);

        await Assert.That(bpe.GetIndexByTokenCount(Text, 1, out var prefixCount)).IsEqualTo(0);
        await Assert.That(prefixCount).IsEqualTo(0);
        await Assert.That(bpe.GetIndexByTokenCount(Text, 3, out prefixCount)).IsEqualTo(1);
        await Assert.That(prefixCount).IsEqualTo(2);
        await Assert.That(bpe.GetIndexByTokenCountFromEnd(Text, 3, out var suffixCount)).IsEqualTo(1);
        await Assert.That(suffixCount).IsEqualTo(2);
    }

    [Test]
    public async Task ANegativeBudgetIsRejected()
    {
        var bpe = TiktokenBpe.Get(TokenizerPreset.O200k);
        var prefix = Assert.Throws<ArgumentOutOfRangeException>(() => bpe.GetIndexByTokenCount("abc", -1, out _));
        var suffix = Assert.Throws<ArgumentOutOfRangeException>(() => bpe.GetIndexByTokenCountFromEnd("abc", -1, out _));
        await Assert.That(prefix.ParamName).IsEqualTo("maxTokens");
        await Assert.That(suffix.ParamName).IsEqualTo("maxTokens");
    }

    [Test]
    public async Task SpecialTokenTextIsOneSpecialToken()
    {
        await Assert.That(string.Join(",", TiktokenBpe.Get(TokenizerPreset.O200k).EncodeToIds("<|endoftext|>"))).IsEqualTo("199999");
        await Assert.That(string.Join(",", TiktokenBpe.Get(TokenizerPreset.O200k).EncodeToIds("<|endofprompt|>"))).IsEqualTo("200018");
        await Assert.That(string.Join(",", TiktokenBpe.Get(TokenizerPreset.Cl100k).EncodeToIds("<|fim_middle|><|endofprompt|>"))).IsEqualTo("100259,100276");
        await Assert.That(string.Join(",", TiktokenBpe.Get(TokenizerPreset.Gpt2).EncodeToIds("<|endoftext|>"))).IsEqualTo("50256");

        // o200k has no fill-in-the-middle tokens, so that text is ordinary text there.
        await Assert.That(TiktokenBpe.Get(TokenizerPreset.O200k).CountTokens("<|fim_prefix|>")).IsGreaterThan(1);
    }

    [Test]
    public async Task EachPresetIsLoadedOnceAndShared()
    {
        var instances = new TiktokenBpe[16];
        Parallel.For(0, instances.Length, i => instances[i] = TiktokenBpe.Get(TokenizerPreset.Gpt2));

        await Assert.That(instances.Distinct().Count()).IsEqualTo(1);
        await Assert.That(TiktokenBpe.Get(TokenizerPreset.Gpt2)).IsSameReferenceAs(instances[0]);
        await Assert.That(instances[0].Preset).IsEqualTo(TokenizerPreset.Gpt2);
    }

    [Test]
    [Arguments(TokenizerPreset.O200k, 199998)]
    [Arguments(TokenizerPreset.Cl100k, 100256)]
    [Arguments(TokenizerPreset.Gpt2, 50256)]
    public async Task TheWholeVocabularyIsLoaded(TokenizerPreset preset, int size)
    {
        await Assert.That(TiktokenBpe.Get(preset).VocabularySize).IsEqualTo(size);
    }

    [Test]
    public async Task AnUnknownPresetIsRejected()
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => TiktokenBpe.Get((TokenizerPreset)42));
        await Assert.That(failure.ParamName).IsEqualTo("preset");
    }

    [Test]
    public async Task ConcurrentCountingAgreesWithSequentialCounting()
    {
        var bpe = TiktokenBpe.Get(TokenizerPreset.O200k);
        var texts = TrickyStrings.Concat(Enumerable.Range(0, 200).Select(i => $"Message {i}: the quick brown fox {i * 7} jumps — 速い狐 {i} 😀")).ToArray();
        var expected = texts.Select(t => bpe.EncodeToIds(t).Length).ToArray();

        var actual = new int[texts.Length * 8];
        Parallel.For(0, actual.Length, i => actual[i] = bpe.CountTokens(texts[i % texts.Length]));

        await Assert.That(actual.Select((count, i) => count - expected[i % texts.Length]).All(d => d == 0)).IsTrue();
    }

    [Test]
    public async Task BothVocabularyFileFormatsLoadWithTheSameRanks()
    {
        // A tiny vocabulary: every byte at its own value, then "ab" = 256 and "abc" = 257.
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).Concat([[(byte)'a', (byte)'b'], [(byte)'a', (byte)'b', (byte)'c']]).ToArray();
        var bare = "Capacity: 258\n" + string.Concat(tokens.Select(t => Convert.ToBase64String(t) + "\n"));
        var ranked = string.Join("\r\n", tokens.Select((t, rank) => $"{Convert.ToBase64String(t)} {rank}"));

        foreach (var text in new[] { bare, ranked })
        {
            var bpe = TiktokenBpe.Load(Deflate(text), TokenizerPreset.O200k);
            await Assert.That(bpe.VocabularySize).IsEqualTo(258);

            // " abc" merges a+b first, then ab+c, leaving the space on its own.
            await Assert.That(string.Join(",", bpe.EncodeToIds("abc abc"))).IsEqualTo("257,32,257");
            await Assert.That(bpe.CountTokens("abc abc<|endoftext|>")).IsEqualTo(4);
        }
    }

    [Test]
    public async Task AStreamThatIsNotDeflateNamesTheResourceAndPackage()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => TiktokenBpe.Load(new MemoryStream([0xFF, 0xFF, 0xFF, 0xFF]), TokenizerPreset.O200k));
        await Assert.That(failure.Message).Contains("o200k_base.tiktoken.deflate");
        await Assert.That(failure.Message).Contains("Microsoft.ML.Tokenizers.Data.O200kBase");
    }

    [Test]
    [Arguments("Capacity: 2\nQQ==\n!!!!\n")]
    [Arguments("QQ== 0\nQg== 0\n")]
    [Arguments("QQ== 0\nQg==  1\n")]
    [Arguments("QQ==\nQg=\n")]
    [Arguments("QQ==\n")]
    [Arguments("")]
    public async Task AMalformedVocabularyNamesTheResourceAndPackage(string content)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => TiktokenBpe.Load(Deflate(content), TokenizerPreset.Cl100k));
        await Assert.That(failure.Message).Contains("cl100k_base.tiktoken.deflate");
        await Assert.That(failure.Message).Contains("Microsoft.ML.Tokenizers.Data.Cl100kBase");
    }

    private static void CheckCut(string text, int index, int count, int max, int previousIndex, bool ascending)
    {
        if (index < 0 || index > text.Length)
        {
            throw new InvalidOperationException($"Index {index} outside {Describe(text)}");
        }

        if (index > 0 && index < text.Length && char.IsHighSurrogate(text[index - 1]) && char.IsLowSurrogate(text[index]))
        {
            throw new InvalidOperationException($"Index {index} splits a surrogate pair in {Describe(text)}");
        }

        if (count < 0 || count > max)
        {
            throw new InvalidOperationException($"{count} tokens for a budget of {max} in {Describe(text)}");
        }

        if (ascending ? index < previousIndex : index > previousIndex)
        {
            throw new InvalidOperationException($"Budget {max} moved the cut backwards ({previousIndex} -> {index}) in {Describe(text)}");
        }
    }

    private static MemoryStream Deflate(string content)
    {
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(content));
        }

        compressed.Position = 0;
        return compressed;
    }

    /// <summary>Shows control characters and surrogates as escapes, so a failing input can be pasted back into a test.</summary>
    private static string Describe(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text.Length > 200 ? text[..200] : text)
        {
            builder.Append(c is < ' ' or '"' or '\\' || char.IsSurrogate(c) || c is '\u200D' or '\uFE0F' or '\uFFFD'
                ? $"\\u{(int)c:X4}"
                : c.ToString());
        }

        return builder.Append(text.Length > 200 ? "\"…" : "\"").ToString();
    }
}

using System.Text;
using FiniteMemory.Local.Chat;
using FiniteMemory.Local.Decoding;
using FiniteMemory.Local.Tests.Support;
using FiniteMemory.Local.Tokenization;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Local.Tests.Chat;

/// <summary>
/// The SentencePiece path (Llama 2, Mistral, TinyLlama): a tiny but real <c>tokenizer.model</c> written by the test
/// (see <see cref="TinySentencePiece"/>), loaded the way a model folder is.
/// </summary>
public class SentencePieceTests
{
    private static readonly List<ChatMessage> Conversation =
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "Where is Kyoto?"),
        new(ChatRole.Assistant, "In Japan, west of Tokyo."),
        new(ChatRole.User, " And its famous temple? 京都 🙂"),
    ];

    // Llama 2's [INST] style, with spaces around the content, inside special tokens.
    private static readonly ChatTemplate Inst = ChatTemplate.Custom("inst", "[INST] {role}: {content} [/INST]</s>", "[INST] assistant:", ["</s>"], ["</s>"], prefix: "<s>");

    private static Tokenizer Loaded => LocalTokenizer.FromFolder(TinySentencePiece.Folder);

    public static IEnumerable<Func<ChatTemplate>> Templates() => [() => ChatTemplate.ChatML, () => ChatTemplate.Zephyr, () => Inst];

    // What the models were trained on (Meta's Llama 2 code, Hugging Face's Llama tokenizer): BOS, then the rendered
    // prompt split at its special tokens, every run of text between them encoded on its own (so with SentencePiece's
    // dummy prefix).
    private static List<int> Reference(ChatPromptEncoder encoder, string rendered, LlamaTokenizer raw)
    {
        var ids = rendered.StartsWith("<s>", StringComparison.Ordinal) ? new List<int>() : [TinySentencePiece.Bos];
        var specials = new[] { "<s>", "</s>", "<|im_start|>", "<|im_end|>" }.Where(encoder.IsSpecialToken).ToArray();
        var run = new StringBuilder();
        for (var i = 0; i < rendered.Length;)
        {
            var special = specials.FirstOrDefault(s => string.CompareOrdinal(rendered, i, s, 0, s.Length) == 0);
            if (special is null)
            {
                run.Append(rendered[i++]);
                continue;
            }

            ids.AddRange(raw.EncodeToIds(run.ToString()));
            run.Clear();
            ids.Add(raw.Vocabulary[special]);
            i += special.Length;
        }

        ids.AddRange(raw.EncodeToIds(run.ToString()));
        return ids;
    }

    private static string Render(ChatTemplate template, IEnumerable<ChatMessage> messages) =>
        template.Prefix + string.Concat(messages.Select(m => template.MessageFormat.Replace("{role}", m.Role.Value, StringComparison.Ordinal).Replace("{content}", m.Text, StringComparison.Ordinal))) + template.GenerationPrompt;

    [Test]
    public async Task TheTinyModelEncodesAsGoogleSentencePieceDoes()
    {
        // Ids from google/sentencepiece 0.1.97 (Debian's python3-sentencepiece) over this same tokenizer.model.
        var expected = new (string Text, int[] Ids)[]
        {
            ("Hello world", [417, 428]),
            (" Hello", [305, 385]),
            ("Hello\nworld", [417, 13, 396]),
            ("</s>", [284, 443, 504, 456]),
            ("京都 🙂", [513, 231, 189, 175, 236, 134, 192, 513, 243, 162, 156, 133]),
            ("[INST] hi [/INST]", [294, 350, 485, 339, 294, 443, 350, 485]),
            ("  two", [305, 302, 283]),
        };
        var raw = TinySentencePiece.Raw();
        foreach (var (text, ids) in expected)
        {
            await Assert.That(raw.EncodeToIds(text)).IsEquivalentTo(ids, CollectionOrdering.Matching);
        }
    }

    [Test]
    [Arguments("Hello world")]
    [Arguments(" Hello  world ")]
    [Arguments("line one\nline two\n\n")]
    [Arguments("京都 is in Japan 🙂👍🏽")]
    [Arguments("tab\there, é and ü")]
    public async Task EncodingThenDecodingGivesTheTextBack(string text)
    {
        var tokenizer = Loaded;
        var ids = tokenizer.EncodeToIds(text);
        await Assert.That(tokenizer.Decode(ids)).IsEqualTo(text);
        await Assert.That(ids).DoesNotContain(TinySentencePiece.Unknown);
        await Assert.That(ids).DoesNotContain(TinySentencePiece.Bos);
    }

    [Test]
    public async Task ControlUserDefinedAndAddedTokensAreSingleIdsWhereverTheyOccur()
    {
        var folder = TestModels.Folder("sentencepiece-added-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.model"), TinySentencePiece.Model);
        File.WriteAllText(Path.Combine(folder, "added_tokens.json"), """{"<|extra|>": 514}""");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"added_tokens_decoder": {"515": {"content": "<|tool|>", "special": true}}}""");

        var tokenizer = LocalTokenizer.FromFolder(folder);

        await Assert.That(tokenizer.EncodeToIds("hi</s><|im_start|><|extra|><|tool|>")).IsEquivalentTo(new[] { 339, TinySentencePiece.Eos, TinySentencePiece.ImStart, 514, 515 }, CollectionOrdering.Matching);
        await Assert.That(tokenizer.CountTokens("Hello world")).IsEqualTo(2);
    }

    [Test]
    public async Task AMalformedAddedTokensFileIsAClearError()
    {
        var folder = TestModels.Folder("sentencepiece-bad-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.model"), TinySentencePiece.Model);
        File.WriteAllText(Path.Combine(folder, "added_tokens.json"), """{"<|extra|>": "x"}""");

        var ex = await Assert.That(() => LocalTokenizer.FromFolder(folder)).Throws<InvalidDataException>();
        await Assert.That(ex!.Message).Contains("added_tokens.json");
    }

    [Test]
    public async Task AUnigramModelIsAClearErrorInsteadOfWrongIds()
    {
        var folder = TestModels.Folder("sentencepiece-unigram-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.model"), SentencePieceModelWriter.Write(TinySentencePiece.Pieces(), SentencePieceModelWriter.ModelType.Unigram, byteFallback: true));

        var ex = await Assert.That(() => LocalTokenizer.FromFolder(folder)).Throws<InvalidDataException>();
        await Assert.That(ex!.Message).Contains("Unigram");
    }

    [Test]
    public async Task AFileThatIsNotASentencePieceModelIsAClearError()
    {
        var folder = TestModels.Folder("sentencepiece-garbage-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(Path.Combine(folder, "tokenizer.model"), "version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 499723\n");

        var ex = await Assert.That(() => LocalTokenizer.FromFolder(folder)).Throws<InvalidDataException>();
        await Assert.That(ex!.Message).Contains("tokenizer.model");
        await Assert.That(ex.Message).Contains("not a SentencePiece model");
    }

    [Test]
    [MethodDataSource(nameof(Templates))]
    public async Task AppendingATurnNeverChangesTheIdsOfEarlierTurns(ChatTemplate template)
    {
        var encoder = template.CreateEncoder(Loaded);
        for (var n = 1; n < Conversation.Count; n++)
        {
            var shorter = encoder.Encode(Conversation.Take(n), addGenerationPrompt: false);
            var longer = encoder.Encode(Conversation.Take(n + 1), addGenerationPrompt: false);
            await Assert.That(longer.Take(shorter.Count)).IsEquivalentTo(shorter, CollectionOrdering.Matching);
        }

        var prompt = encoder.Encode(Conversation.Take(2));
        var answered = encoder.Encode(Conversation.Take(3), addGenerationPrompt: false);
        await Assert.That(answered.Take(prompt.Count)).IsEquivalentTo(prompt, CollectionOrdering.Matching);
    }

    [Test]
    [Arguments("chatml")]
    [Arguments("zephyr")]
    [Arguments("inst")]
    public async Task ThePromptIsTheReferenceEncodingOfTheRenderedText(string name)
    {
        var template = name == "inst" ? Inst : ChatTemplate.FromName(name);
        foreach (var tokenizer in new Tokenizer[] { Loaded, TinySentencePiece.Raw(addBos: true) })
        {
            var encoder = template.CreateEncoder(tokenizer);
            for (var n = 1; n <= Conversation.Count; n++)
            {
                var ids = encoder.Encode(Conversation.Take(n));
                await Assert.That(ids).IsEquivalentTo(Reference(encoder, Render(template, Conversation.Take(n)), TinySentencePiece.Raw()), CollectionOrdering.Matching);
            }
        }
    }

    [Test]
    public async Task ZephyrPutsNoSpaceBetweenTheRoleLineAndTheContent()
    {
        var tokenizer = Loaded;
        var text = tokenizer.Decode(ChatTemplate.Zephyr.CreateEncoder(tokenizer).Encode(Conversation.Take(2)));

        // SentencePiece's dummy prefix on the content alone would read "<|user|>\n Where"; the model never saw that.
        await Assert.That(text).Contains("<|system|>\nYou are terse.");
        await Assert.That(text).Contains("<|user|>\nWhere is Kyoto?");
    }

    [Test]
    public async Task ATemplateWhoseMessagesStartWithBosGetsNoSecondBosInFront()
    {
        // Llama 2's own layout: every exchange is "<s>[INST] … [/INST] … </s>", with no prefix.
        var llama2 = ChatTemplate.Custom("llama2", "<s>[INST] {content} [/INST]</s>", "<s>[INST]", ["</s>"], ["</s>"]);
        foreach (var tokenizer in new Tokenizer[] { Loaded, TinySentencePiece.Raw(addBos: true), TinySentencePiece.Raw() })
        {
            var ids = llama2.CreateEncoder(tokenizer).Encode(Conversation);

            await Assert.That(ids[0]).IsEqualTo(TinySentencePiece.Bos);
            await Assert.That(ids[1]).IsNotEqualTo(TinySentencePiece.Bos);
            await Assert.That(ids.Count(static id => id == TinySentencePiece.Bos)).IsEqualTo(Conversation.Count + 1);
        }
    }

    [Test]
    [MethodDataSource(nameof(Templates))]
    public async Task TheSpecialTokensOfTheTemplateAreSingleIdsAndBosComesOnceFirst(ChatTemplate template)
    {
        foreach (var tokenizer in new Tokenizer[] { Loaded, TinySentencePiece.Raw(addBos: true), TinySentencePiece.Raw() })
        {
            var encoder = template.CreateEncoder(tokenizer);
            var ids = encoder.Encode(Conversation);

            await Assert.That(ids[0]).IsEqualTo(TinySentencePiece.Bos);
            await Assert.That(ids.Count(static id => id == TinySentencePiece.Bos)).IsEqualTo(1);
            var expectedEnds = template == ChatTemplate.ChatML ? 0 : Conversation.Count;
            await Assert.That(ids.Count(static id => id == TinySentencePiece.Eos)).IsEqualTo(expectedEnds);
            if (template == ChatTemplate.ChatML && encoder.IsSpecialToken("<|im_start|>"))
            {
                await Assert.That(ids.Count(static id => id == TinySentencePiece.ImStart)).IsEqualTo(Conversation.Count + 1);
                await Assert.That(encoder.StopTokenIds).IsEquivalentTo(new[] { TinySentencePiece.ImEnd }, CollectionOrdering.Matching);
            }
            else if (template != ChatTemplate.ChatML)
            {
                await Assert.That(encoder.StopTokenIds).IsEquivalentTo(new[] { TinySentencePiece.Eos }, CollectionOrdering.Matching);
            }
        }
    }

    [Test]
    public async Task StreamedTextIsTheWholeDecodingWithItsSpacesAndNoBrokenCharacter()
    {
        var tokenizer = Loaded;
        var reply = tokenizer.EncodeToIds("Sure, there: 京都  🙂\n in Japan");
        var text = new GeneratedText(tokenizer, []);
        var pieces = new List<string>();
        foreach (var id in reply)
        {
            pieces.Add(text.Append(id));
        }

        pieces.Add(text.Flush());

        await Assert.That(string.Concat(pieces)).IsEqualTo(tokenizer.Decode(reply));
        await Assert.That(string.Concat(pieces)).IsEqualTo("Sure, there: 京都  🙂\n in Japan");
        await Assert.That(pieces.Any(static p => p.Contains('\uFFFD', StringComparison.Ordinal))).IsFalse();
    }

    [Test]
    public async Task TheLocalChatClientStreamsWhatItAnswersWholeForASentencePieceModel()
    {
        var tokenizer = Loaded;
        var reply = tokenizer.EncodeToIds(" Sure 京都 🙂\nthere");
        using var streaming = new LocalChatClient(new ScriptedModel(reply, TinySentencePiece.VocabularySize, TinySentencePiece.Eos), tokenizer, new LocalChatClientOptions { Template = ChatTemplate.Zephyr });
        using var whole = new LocalChatClient(new ScriptedModel(reply, TinySentencePiece.VocabularySize, TinySentencePiece.Eos), tokenizer, new LocalChatClientOptions { Template = ChatTemplate.Zephyr });
        var options = new ChatOptions { MaxOutputTokens = 64 };

        var streamed = new StringBuilder();
        await foreach (var update in streaming.GetStreamingResponseAsync(Conversation.Take(2), options))
        {
            await Assert.That(update.Text).DoesNotContain("\uFFFD");
            streamed.Append(update.Text);
        }

        var answer = await whole.GetResponseAsync(Conversation.Take(2), options);
        await Assert.That(streamed.ToString()).IsEqualTo(answer.Text);
        await Assert.That(answer.Text).IsEqualTo(tokenizer.Decode(reply));
        await Assert.That(answer.FinishReason).IsEqualTo(ChatFinishReason.Stop);
    }

    [Test]
    public async Task ALlamaFolderWithATokenizerModelChatsAcrossTurnsReusingItsPrefix()
    {
        var folder = TinySentencePiece.LlamaFolder;
        var options = new LocalChatClientOptions { Template = ChatTemplate.Zephyr };
        var traced = new TracingModel(new ReferenceDecoder(folder));
        using var reusing = new LocalChatClient(traced, LocalTokenizer.FromFolder(folder), options);
        using var fresh = new LocalChatClient(new ReferenceDecoder(folder), LocalTokenizer.FromFolder(folder), new LocalChatClientOptions { Template = ChatTemplate.Zephyr, ReuseCache = false });
        var chat = new ChatOptions { MaxOutputTokens = 6 };

        var first = await reusing.GetResponseAsync(Conversation.Take(2), chat);
        List<ChatMessage> second = [.. Conversation.Take(2), .. first.Messages, Conversation[3]];
        var reused = await reusing.GetResponseAsync(second, chat);
        var recomputed = await fresh.GetResponseAsync(second, chat);

        await Assert.That(reused.Text).IsEqualTo(recomputed.Text);
        await Assert.That(traced.LastCacheIds[0]).IsEqualTo(TinySentencePiece.Bos);
        await Assert.That(reused.Usage!.CachedInputTokenCount!.Value).IsGreaterThanOrEqualTo(reusing.Encoder.Encode(Conversation.Take(2), addGenerationPrompt: false).Count);
    }
}

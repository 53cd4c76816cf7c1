using FiniteMemory.Local.Tokenization;
using FiniteMemory.Testing;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Local.Tests.Chat;

public class TokenizerLoadingTests
{
    // A tiny byte-level BPE tokenizer.json as Hugging Face writes it (Ġ is the byte-level space).
    private const string TokenizerJson = """
        {
          "version": "1.0",
          "added_tokens": [ { "id": 14, "content": "<|im_start|>", "special": true }, { "id": 15, "content": "<|im_end|>", "special": true } ],
          "pre_tokenizer": { "type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true },
          "decoder": { "type": "ByteLevel" },
          "model": {
            "type": "BPE",
            "vocab": { "h": 0, "e": 1, "l": 2, "o": 3, "Ġ": 4, "w": 5, "r": 6, "d": 7, "he": 8, "ll": 9, "hell": 10, "hello": 11, "Ġw": 12, "or": 13, "Ċ": 16 },
            "merges": [ "h e", "l l", ["he", "ll"], "hell o", "Ġ w", "o r" ]
          }
        }
        """;

    [Test]
    public async Task AByteLevelBpeTokenizerJsonEncodesWithItsMergesAndSpecialTokens()
    {
        var folder = TestModels.Folder("tokenizer-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TokenizerJson);

        var tokenizer = LocalTokenizer.FromFolder(folder);

        await Assert.That(tokenizer.EncodeToIds("hello world")).IsEquivalentTo(new[] { 11, 12, 13, 2, 7 }, CollectionOrdering.Matching);
        await Assert.That(tokenizer.EncodeToIds("<|im_start|>hello")).IsEquivalentTo(new[] { 14, 11 }, CollectionOrdering.Matching);
        await Assert.That(tokenizer.Decode([11, 12, 13, 2, 7])).IsEqualTo("hello world");
    }

    [Test]
    public async Task ATokenizerJsonThatIsNotBpeIsAClearError()
    {
        var folder = TestModels.Folder("tokenizer-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), """{"model": {"type": "Unigram", "vocab": []}}""");

        var ex = await Assert.That(() => LocalTokenizer.FromFolder(folder)).Throws<InvalidDataException>();
        await Assert.That(ex!.Message).Contains("'Unigram'");
    }

    [Test]
    public async Task AFolderWithoutATokenizerSaysWhichFilesItExpects()
    {
        var folder = TestModels.Folder("tokenizer-" + Guid.NewGuid().ToString("N"));
        var ex = await Assert.That(() => LocalTokenizer.FromFolder(folder)).Throws<FileNotFoundException>();
        await Assert.That(ex!.Message).Contains("tokenizer.json");
        await Assert.That(ex.Message).Contains("tokenizer.model");
    }
}

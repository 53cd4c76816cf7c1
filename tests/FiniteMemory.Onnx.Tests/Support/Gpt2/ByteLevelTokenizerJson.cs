using System.Text.Json;

namespace FiniteMemory.Onnx.Tests.Gpt2;

/// <summary>
/// A minimal Hugging Face <c>tokenizer.json</c>: byte-level BPE with the 256 byte tokens (GPT-2's byte-to-character
/// map) and no merges, plus ChatML's special tokens and <c>&lt;|endoftext|&gt;</c>. It lets a test build a complete
/// model folder (graph, config, tokenizer) without GPT-2's 50,257-entry vocabulary file.
/// </summary>
internal static class ByteLevelTokenizerJson
{
    public const int ImStart = 256;
    public const int ImEnd = 257;
    public const int EndOfText = 258;
    public const int Vocabulary = 259;

    public static string Create()
    {
        var vocab = new Dictionary<string, int>();
        var characters = ByteCharacters();
        for (var b = 0; b < 256; b++)
        {
            vocab[characters[b].ToString()] = b;
        }

        var document = new Dictionary<string, object>
        {
            ["version"] = "1.0",
            ["added_tokens"] = new[]
            {
                new Dictionary<string, object> { ["id"] = ImStart, ["content"] = "<|im_start|>", ["special"] = true },
                new Dictionary<string, object> { ["id"] = ImEnd, ["content"] = "<|im_end|>", ["special"] = true },
                new Dictionary<string, object> { ["id"] = EndOfText, ["content"] = "<|endoftext|>", ["special"] = true },
            },
            ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = true },
            ["decoder"] = new Dictionary<string, object> { ["type"] = "ByteLevel" },
            ["model"] = new Dictionary<string, object> { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = Array.Empty<string>() },
        };
        return JsonSerializer.Serialize(document);
    }

    // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others for the characters from U+0100 on.
    private static char[] ByteCharacters()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }
}

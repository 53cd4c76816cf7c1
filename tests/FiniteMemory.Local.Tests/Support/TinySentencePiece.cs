using FiniteMemory.Testing;
using Microsoft.ML.Tokenizers;
using static FiniteMemory.Local.Tests.Support.SentencePieceModelWriter;

namespace FiniteMemory.Local.Tests.Support;

/// <summary>
/// A tiny Llama-2-like SentencePiece BPE model: <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c> (ids 0–2),
/// the 256 byte-fallback pieces (ids 3–258, so a newline is <c>&lt;0x0A&gt;</c> = 13 as in Llama), two user-defined
/// ChatML pieces, then <c>▁</c>-prefixed words with every prefix a merge needs, and single characters.
/// Characters outside the vocabulary (newline, CJK, emoji) fall back to their UTF-8 bytes.
/// </summary>
internal static class TinySentencePiece
{
    public const int Unknown = 0;
    public const int Bos = 1;
    public const int Eos = 2;
    public const int ByteOffset = 3;
    public const int ImStart = 259;
    public const int ImEnd = 260;

    private static readonly string[] Words =
    [
        "Hello", "world", "the", "You", "are", "terse", "Where", "is", "Kyoto", "In", "Japan", "west", "of", "Tokyo",
        "And", "its", "famous", "temple", "user", "assistant", "system", "INST", "hi", "Sure", "there", "[", "]", "<",
    ];

    private static readonly Lazy<byte[]> ModelLazy = new(() => Write(Pieces(), ModelType.Bpe, byteFallback: true));
    private static readonly Lazy<string> FolderLazy = new(() =>
    {
        var folder = TestModels.Folder("sentencepiece");
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.model"), ModelLazy.Value);
        return folder;
    });

    private static readonly Lazy<string> LlamaFolderLazy = new(() =>
    {
        var folder = TinyModels.Write(TinyModelSpec.Llama() with { Vocab = VocabularySize, EosTokenId = Eos }, TestModels.Folder("llama-sentencepiece"));
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.model"), ModelLazy.Value);
        return folder;
    });

    /// <summary>A random-weight tiny Llama over this vocabulary: config.json, model.safetensors and tokenizer.model.</summary>
    public static string LlamaFolder => LlamaFolderLazy.Value;

    /// <summary>The serialized <c>tokenizer.model</c>.</summary>
    public static byte[] Model => ModelLazy.Value;

    /// <summary>A folder holding only <c>tokenizer.model</c>.</summary>
    public static string Folder => FolderLazy.Value;

    /// <summary>How many pieces the model has.</summary>
    public static int VocabularySize => Pieces().Count;

    /// <summary>The model loaded by Microsoft.ML.Tokenizers directly (no BOS, no special-token matching).</summary>
    public static LlamaTokenizer Raw(bool addBos = false)
    {
        using var stream = new MemoryStream(Model);
        return LlamaTokenizer.Create(stream, addBeginOfSentence: addBos, addEndOfSentence: false);
    }

    public static List<(string Piece, float Score, PieceType Type)> Pieces()
    {
        List<(string, float, PieceType)> pieces =
        [
            ("<unk>", 0f, PieceType.Unknown),
            ("<s>", 0f, PieceType.Control),
            ("</s>", 0f, PieceType.Control),
            .. BytePieces(),
            ("<|im_start|>", 0f, PieceType.UserDefined),
            ("<|im_end|>", 0f, PieceType.UserDefined),
        ];

        // BPE merges two adjacent pieces when their concatenation is a piece, the highest score first: every prefix of
        // a word is a piece, shorter ones scoring higher, so each word is built left to right.
        var merged = new SortedSet<string>(Comparer<string>.Create(static (a, b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b)));
        foreach (var word in Words)
        {
            foreach (var form in new[] { "\u2581" + word, word })
            {
                for (var length = 2; length <= form.Length; length++)
                {
                    merged.Add(form[..length]);
                }
            }
        }

        merged.Add("\u2581\u2581");
        var score = -1f;
        foreach (var piece in merged)
        {
            pieces.Add((piece, score--, PieceType.Normal));
        }

        var characters = new SortedSet<char>("\u2581abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,?!:'[]/<>|");
        foreach (var c in characters)
        {
            pieces.Add((c.ToString(), score--, PieceType.Normal));
        }

        return pieces;
    }
}

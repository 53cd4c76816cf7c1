using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Local.Tokenization;

/// <summary>
/// Loads the tokenizer of a model folder with Microsoft.ML.Tokenizers: a Hugging Face <c>tokenizer.json</c> with a
/// byte-level BPE model (GPT-2, Llama 3, Qwen, Mistral-Nemo …: vocabulary, merges, added and special tokens), or a
/// SentencePiece <c>tokenizer.model</c> (Llama 1/2, Mistral).
/// </summary>
public static partial class LocalTokenizer
{
    // GPT-2's pre-tokenization pattern, which Hugging Face's ByteLevel pre-tokenizer applies (use_regex: true).
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Pattern();

    /// <summary>
    /// Loads the tokenizer in <paramref name="folder"/>: <c>tokenizer.json</c> when it is byte-level BPE, otherwise
    /// <c>tokenizer.model</c> (SentencePiece).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has neither file.</exception>
    /// <exception cref="InvalidDataException">The tokenizer file is malformed or of a kind not supported; the message names the file.</exception>
    public static Tokenizer FromFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The model folder '{folder}' does not exist.");
        }

        var json = Path.Combine(folder, "tokenizer.json");
        var model = Path.Combine(folder, "tokenizer.model");
        if (File.Exists(json))
        {
            InvalidDataException? unsupported;
            try
            {
                return FromTokenizerJson(json);
            }
            catch (InvalidDataException ex) when (File.Exists(model))
            {
                unsupported = ex;
            }

            try
            {
                return FromSentencePiece(model);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{folder}: neither tokenizer file could be loaded: {unsupported.Message}; {model}: {ex.Message}", ex);
            }
        }

        if (File.Exists(model))
        {
            return FromSentencePiece(model);
        }

        throw new FileNotFoundException($"The model folder '{folder}' has no tokenizer: expected 'tokenizer.json' (byte-level BPE) or 'tokenizer.model' (SentencePiece). Copy the tokenizer files from the model's repository, or pass a Tokenizer instance.", json);
    }

    /// <summary>
    /// Loads a SentencePiece BPE <c>tokenizer.model</c> (Llama 1/2, Mistral, TinyLlama) as a
    /// <see cref="LlamaTokenizer"/>. Its control, unknown and user-defined pieces (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>,
    /// <c>&lt;|im_start|&gt;</c> …) and the tokens a fine-tune added beside it (<c>added_tokens.json</c>,
    /// <c>added_tokens_decoder</c> of <c>tokenizer_config.json</c>) are each one id wherever they occur in text, as
    /// Hugging Face's tokenizer matches them.
    /// </summary>
    /// <remarks>
    /// The tokenizer adds no BOS of its own, so counting text counts only the text; <see cref="Chat.ChatPromptEncoder"/>
    /// starts a prompt with BOS once.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is not a SentencePiece model, or it is a Unigram one; the message names the file.</exception>
    public static Tokenizer FromSentencePiece(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = File.ReadAllBytes(path);
        Dictionary<string, int> special;
        try
        {
            special = SentencePieceModelFile.SpecialPieces(bytes, path);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"{path}: not a SentencePiece model ({ex.Message}).", ex);
        }

        AddedTokens.AddFromFolder(Path.GetDirectoryName(Path.GetFullPath(path))!, special);
        using var stream = new MemoryStream(bytes, writable: false);
        try
        {
            return LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false, special.Count > 0 ? special : null);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or IOException or InvalidProtocolBufferException)
        {
            throw new InvalidDataException($"{path}: not a SentencePiece model ({ex.Message}).", ex);
        }
    }

    /// <summary>Loads a Hugging Face <c>tokenizer.json</c> whose model is byte-level BPE.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, its model is not BPE, or it is not byte-level.</exception>
    public static Tokenizer FromTokenizerJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: there is no 'model' object; is this a Hugging Face tokenizer.json?");
            }

            var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != "BPE")
            {
                throw new InvalidDataException($"{path}: the tokenizer model is '{type ?? "(none)"}'; only byte-level BPE is supported from tokenizer.json (use tokenizer.model for SentencePiece).");
            }

            if (!IsByteLevel(root))
            {
                throw new InvalidDataException($"{path}: the BPE tokenizer is not byte-level (no ByteLevel pre-tokenizer or decoder); SentencePiece-style BPE is loaded from tokenizer.model.");
            }

            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: the BPE model has no 'vocab' object.");
            }

            foreach (var entry in vocab.EnumerateObject())
            {
                vocabulary[entry.Name] = entry.Value.GetInt32();
            }

            var merges = new List<string>();
            if (model.TryGetProperty("merges", out var mergeArray) && mergeArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var merge in mergeArray.EnumerateArray())
                {
                    // Older files write "a b", newer ones ["a", "b"].
                    merges.Add(merge.ValueKind == JsonValueKind.Array
                        ? $"{merge[0].GetString()} {merge[1].GetString()}"
                        : merge.GetString() ?? throw new InvalidDataException($"{path}: a merge is not a string."));
                }
            }

            var special = new Dictionary<string, int>(StringComparer.Ordinal);
            if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in added.EnumerateArray())
                {
                    var content = token.GetProperty("content").GetString()!;
                    var id = token.GetProperty("id").GetInt32();
                    special[content] = id;
                    vocabulary.TryAdd(content, id);
                }
            }

            var options = new BpeOptions(vocabulary)
            {
                Merges = merges,
                SpecialTokens = special,
                ByteLevel = true,
                PreTokenizer = new RegexPreTokenizer(SplitPattern(root) ?? Gpt2Pattern(), special),
            };
            return BpeTokenizer.Create(options);
        }
    }

    private static bool IsByteLevel(JsonElement root)
    {
        static bool Has(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (e.TryGetProperty("type", out var type) && type.GetString() == "ByteLevel")
            {
                return true;
            }

            foreach (var listName in (ReadOnlySpan<string>)["pretokenizers", "decoders"])
            {
                if (e.TryGetProperty(listName, out var list) && list.ValueKind == JsonValueKind.Array && list.EnumerateArray().Any(Has))
                {
                    return true;
                }
            }

            return false;
        }

        return (root.TryGetProperty("pre_tokenizer", out var pre) && Has(pre)) || (root.TryGetProperty("decoder", out var dec) && Has(dec));
    }

    // Llama 3 / Qwen style: a Split pre-tokenizer with its own regex before a ByteLevel one that does not split.
    private static Regex? SplitPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object
            || !pre.TryGetProperty("pretokenizers", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var p in list.EnumerateArray())
        {
            if (p.TryGetProperty("type", out var type) && type.GetString() == "Split"
                && p.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out var regex) && regex.GetString() is { } text)
            {
                return new Regex(text, RegexOptions.Compiled | RegexOptions.CultureInvariant);
            }
        }

        return null;
    }
}

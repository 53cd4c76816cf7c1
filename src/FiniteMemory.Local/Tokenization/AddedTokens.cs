using System.Globalization;
using System.Text.Json;

namespace FiniteMemory.Local.Tokenization;

/// <summary>
/// The tokens a Hugging Face model folder adds beside a SentencePiece <c>tokenizer.model</c> (a ChatML fine-tune's
/// <c>&lt;|im_start|&gt;</c> = 32000 …): <c>added_tokens.json</c> (<c>{"content": id}</c>) and the
/// <c>added_tokens_decoder</c> of <c>tokenizer_config.json</c> (<c>{"id": {"content": …}}</c>).
/// </summary>
internal static class AddedTokens
{
    /// <exception cref="InvalidDataException">One of the files is not the JSON it should be; the message names it.</exception>
    public static void AddFromFolder(string folder, Dictionary<string, int> tokens)
    {
        var added = Path.Combine(folder, "added_tokens.json");
        if (File.Exists(added))
        {
            Read(added, root =>
            {
                foreach (var entry in root.EnumerateObject())
                {
                    tokens[entry.Name] = entry.Value.GetInt32();
                }
            });
        }

        var config = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(config))
        {
            Read(config, root =>
            {
                if (!root.TryGetProperty("added_tokens_decoder", out var decoder) || decoder.ValueKind != JsonValueKind.Object)
                {
                    return;
                }

                foreach (var entry in decoder.EnumerateObject())
                {
                    var content = entry.Value.GetProperty("content").GetString();
                    if (!string.IsNullOrEmpty(content))
                    {
                        tokens[content] = int.Parse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture);
                    }
                }
            });
        }
    }

    private static void Read(string path, Action<JsonElement> read)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: expected a JSON object.");
            }

            read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{path}: not the Hugging Face file expected ({ex.Message}); fix or delete it.", ex);
        }
    }
}

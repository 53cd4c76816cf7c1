using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Local.Chat;

/// <summary>
/// How a conversation becomes the model's token sequence: a format per message (with <c>{role}</c> and
/// <c>{content}</c>), the generation prompt that opens the assistant's turn, the special tokens the formats use,
/// and the stop sequences that end a reply.
/// </summary>
/// <remarks>
/// Rendering is token-stable (see <see cref="ChatPromptEncoder"/>): every message is encoded on its own (split at
/// the special tokens) and the ids concatenated, so the ids of earlier turns never change when a turn is appended and
/// the next call can reuse the cached prefix. A special token the tokenizer's vocabulary lacks is encoded as
/// ordinary text.
/// </remarks>
public sealed class ChatTemplate
{
    private ChatTemplate(string name, string messageFormat, string generationPrompt, IReadOnlyList<string> specialTokens, IReadOnlyList<string> stopSequences, string prefix)
    {
        Name = name;
        MessageFormat = messageFormat;
        GenerationPrompt = generationPrompt;
        SpecialTokens = specialTokens;
        StopSequences = stopSequences;
        Prefix = prefix;
    }

    /// <summary>ChatML (Qwen, many fine-tunes): <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c>, stop <c>&lt;|im_end|&gt;</c>. The default.</summary>
    public static ChatTemplate ChatML { get; } = new(
        "chatml", "<|im_start|>{role}\n{content}<|im_end|>\n", "<|im_start|>assistant\n", ["<|im_start|>", "<|im_end|>"], ["<|im_end|>"], string.Empty);

    /// <summary>Llama 3 instruct: header tokens around the role, <c>&lt;|eot_id|&gt;</c> after each message, <c>&lt;|begin_of_text|&gt;</c> first.</summary>
    public static ChatTemplate Llama3 { get; } = new(
        "llama3",
        "<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
        ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
        ["<|eot_id|>"],
        "<|begin_of_text|>");

    /// <summary>Zephyr: <c>&lt;|{role}|&gt;\n{content}&lt;/s&gt;\n</c>, stop <c>&lt;/s&gt;</c>.</summary>
    public static ChatTemplate Zephyr { get; } = new(
        "zephyr", "<|{role}|>\n{content}</s>\n", "<|assistant|>\n", ["</s>"], ["</s>"], string.Empty);

    /// <summary>The template's name (<c>chatml</c>, <c>llama3</c>, <c>zephyr</c> or what <see cref="Custom"/> was given).</summary>
    public string Name { get; }

    /// <summary>The format of one message, with <c>{role}</c> and <c>{content}</c>.</summary>
    public string MessageFormat { get; }

    /// <summary>What opens the assistant's reply at the end of the prompt.</summary>
    public string GenerationPrompt { get; }

    /// <summary>Strings in the formats that are single special tokens when the vocabulary has them.</summary>
    public IReadOnlyList<string> SpecialTokens { get; }

    /// <summary>Text that ends a reply (not included in it).</summary>
    public IReadOnlyList<string> StopSequences { get; }

    /// <summary>What the prompt starts with (e.g. a beginning-of-text token), or empty.</summary>
    public string Prefix { get; }

    /// <summary>A template from format strings.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="messageFormat">One message, with <c>{content}</c> exactly once and <c>{role}</c> anywhere (lower-case role name).</param>
    /// <param name="generationPrompt">What opens the assistant's reply; <c>{role}</c> is not substituted here.</param>
    /// <param name="specialTokens">The strings in the formats that are special tokens.</param>
    /// <param name="stopSequences">Text that ends a reply.</param>
    /// <param name="prefix">What the prompt starts with.</param>
    /// <exception cref="ArgumentException"><paramref name="messageFormat"/> does not contain <c>{content}</c> exactly once.</exception>
    public static ChatTemplate Custom(string name, string messageFormat, string generationPrompt, IEnumerable<string>? specialTokens = null, IEnumerable<string>? stopSequences = null, string prefix = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(messageFormat);
        ArgumentNullException.ThrowIfNull(generationPrompt);
        ArgumentNullException.ThrowIfNull(prefix);
        var first = messageFormat.IndexOf("{content}", StringComparison.Ordinal);
        if (first < 0 || messageFormat.IndexOf("{content}", first + 1, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException($"The message format must contain '{{content}}' exactly once: '{messageFormat}'.", nameof(messageFormat));
        }

        return new ChatTemplate(name, messageFormat, generationPrompt, [.. specialTokens ?? []], [.. stopSequences ?? []], prefix);
    }

    /// <summary>The built-in template named <paramref name="name"/> (<c>chatml</c>, <c>llama3</c>, <c>zephyr</c>; case-insensitive).</summary>
    /// <exception cref="ArgumentException">No built-in template has that name.</exception>
    public static ChatTemplate FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "CHATML" => ChatML,
            "LLAMA3" or "LLAMA-3" => Llama3,
            "ZEPHYR" => Zephyr,
            _ => throw new ArgumentException($"There is no chat template named '{name}'; use chatml, llama3 or zephyr, or ChatTemplate.Custom.", nameof(name)),
        };
    }

    /// <summary>An encoder of this template for <paramref name="tokenizer"/> (looks its special tokens up once).</summary>
    public ChatPromptEncoder CreateEncoder(Tokenizer tokenizer) => new(this, tokenizer);

    /// <inheritdoc />
    public override string ToString() => Name;
}

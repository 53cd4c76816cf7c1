using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory;

/// <summary>
/// The standard <see cref="ITokenCounter"/>: a vocabulary (one of the offline presets, or any
/// Microsoft.ML.Tokenizers <see cref="Tokenizer"/>) plus the chat framing of <see cref="MessageFraming"/>.
/// </summary>
/// <remarks>
/// Preset counters are created once per process and shared (<see cref="For(TokenizerPreset)"/>); they load
/// their vocabulary on first use.
/// </remarks>
public sealed class TokenCounter : ITokenCounter
{
    private static readonly ConcurrentDictionary<TokenizerPreset, TokenCounter> Presets = new();

    private readonly TiktokenBpe? _bpe;
    private readonly Tokenizer? _tokenizer;

    private TokenCounter(string name, TiktokenBpe? bpe, Tokenizer? tokenizer, MessageFraming framing)
    {
        Name = name;
        _bpe = bpe;
        _tokenizer = tokenizer;
        Framing = framing;
    }

    /// <summary>The default counter: o200k, the vocabulary of GPT-4o, GPT-4.1 and the o-series.</summary>
    public static TokenCounter Default => For(TokenizerPreset.O200k);

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The per-message, per-name, per-request and per-tool-call costs this counter adds.</summary>
    public MessageFraming Framing { get; }

    /// <inheritdoc />
    public int RequestOverhead => Framing.PerRequest;

    /// <summary>The shared counter for an offline vocabulary preset with OpenAI framing.</summary>
    public static TokenCounter For(TokenizerPreset preset) =>
        Presets.GetOrAdd(preset, static p => new TokenCounter(TokenizerPresets.NameOf(p), TiktokenBpe.Get(p), null, MessageFraming.OpenAI));

    /// <summary>The shared counter for a preset named as users type it (<c>o200k</c>, <c>cl100k</c>, <c>gpt2</c>).</summary>
    /// <exception cref="ArgumentException">The name is not a known preset; the message lists the known ones.</exception>
    public static TokenCounter For(string presetName) => For(TokenizerPresets.Parse(presetName));

    /// <summary>
    /// A counter over any Microsoft.ML.Tokenizers tokenizer, e.g. the SentencePiece tokenizer of a local model.
    /// </summary>
    /// <param name="tokenizer">The tokenizer; must be thread-safe for concurrent counting (all library tokenizers are).</param>
    /// <param name="name">The name recorded in reports and checkpoints.</param>
    /// <param name="framing">The model's chat framing; OpenAI's by default.</param>
    public static TokenCounter FromTokenizer(Tokenizer tokenizer, string name, MessageFraming? framing = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new TokenCounter(name, null, tokenizer, framing ?? MessageFraming.OpenAI);
    }

    /// <inheritdoc />
    public int CountTokens(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        return _bpe is not null ? _bpe.CountTokens(text) : _tokenizer!.CountTokens(text);
    }

    /// <inheritdoc />
    public int GetIndexByTokenCount(ReadOnlySpan<char> text, int maxTokens, out int tokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        return _bpe is not null
            ? _bpe.GetIndexByTokenCount(text, maxTokens, out tokenCount)
            : _tokenizer!.GetIndexByTokenCount(text, maxTokens, out _, out tokenCount, considerPreTokenization: true, considerNormalization: false);
    }

    /// <inheritdoc />
    public int GetIndexByTokenCountFromEnd(ReadOnlySpan<char> text, int maxTokens, out int tokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        return _bpe is not null
            ? _bpe.GetIndexByTokenCountFromEnd(text, maxTokens, out tokenCount)
            : _tokenizer!.GetIndexByTokenCountFromEnd(text, maxTokens, out _, out tokenCount, considerPreTokenization: true, considerNormalization: false);
    }

    /// <inheritdoc />
    public int CountMessage(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);

        var tokens = Framing.PerMessage + CountTokens(message.Role.Value);
        if (!string.IsNullOrEmpty(message.AuthorName))
        {
            tokens += Framing.PerName + CountTokens(message.AuthorName);
        }

        foreach (var content in message.Contents)
        {
            tokens += CountContent(content);
        }

        return tokens;
    }

    /// <summary>
    /// Counts the tool definitions a request advertises (name, description and JSON schema of each function),
    /// which providers bill as input tokens.
    /// </summary>
    /// <inheritdoc />
    public int CountTools(IEnumerable<AITool>? tools)
    {
        if (tools is null)
        {
            return 0;
        }

        var tokens = 0;
        foreach (var tool in tools)
        {
            tokens += Framing.PerToolCall + CountTokens(tool.Name) + CountTokens(tool.Description);
            if (tool is AIFunctionDeclaration function)
            {
                tokens += CountTokens(function.JsonSchema.GetRawText());
            }
        }

        return tokens;
    }

    private int CountContent(AIContent content) => content switch
    {
        TextContent text => CountTokens(text.Text),
        TextReasoningContent reasoning => CountTokens(reasoning.Text),
        FunctionCallContent call => Framing.PerToolCall + CountTokens(call.Name) + CountTokens(AIJson.ArgumentsToJson(call.Arguments)),
        FunctionResultContent result => CountTokens(AIJson.ToModelText(result.Result)),
        ErrorContent error => CountTokens(error.Message),
        DataContent or UriContent or HostedFileContent => Framing.PerBinaryContent,
        _ => 0, // Usage and other metadata contents are not sent to the model.
    };

    /// <inheritdoc />
    public override string ToString() => Name;
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Local.Chat;

/// <summary>
/// Turns messages into token ids with a <see cref="ChatTemplate"/>, one segment at a time: literal text between
/// special tokens, the role and the content are each encoded separately and the ids concatenated. A message's ids
/// therefore depend only on that message, and a prompt for turn N+1 starts with the ids of turn N's messages.
/// </summary>
/// <remarks>Thread-safe (the tokenizers of Microsoft.ML.Tokenizers are).</remarks>
public sealed class ChatPromptEncoder
{
    private readonly Tokenizer _tokenizer;
    private readonly Dictionary<string, int> _specialIds = new(StringComparer.Ordinal);
    private readonly Segment[] _message;
    private readonly Segment[] _generation;
    private readonly Segment[] _prefix;

    internal ChatPromptEncoder(ChatTemplate template, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Template = template;
        _tokenizer = tokenizer;
        foreach (var special in template.SpecialTokens)
        {
            if (SingleId(tokenizer, special) is int id)
            {
                _specialIds[special] = id;
            }
        }

        _message = Parse(template.MessageFormat);
        _generation = Parse(template.GenerationPrompt);
        _prefix = Parse(template.Prefix);
        StopTokenIds = [.. template.StopSequences.Where(_specialIds.ContainsKey).Select(s => _specialIds[s])];
    }

    /// <summary>The template.</summary>
    public ChatTemplate Template { get; }

    /// <summary>The stop sequences that are single special tokens in this vocabulary, as ids (the rest are matched as text).</summary>
    public IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>Whether <paramref name="special"/> is one token in this vocabulary (otherwise it is encoded as text).</summary>
    public bool IsSpecialToken(string special) => _specialIds.ContainsKey(special);

    /// <summary>The prompt for <paramref name="messages"/>: the template's prefix, each message, and (by default) the generation prompt.</summary>
    public List<int> Encode(IEnumerable<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var ids = new List<int>();
        AppendPrefix(ids);
        foreach (var m in messages)
        {
            AppendMessage(ids, m);
        }

        if (addGenerationPrompt)
        {
            AppendGenerationPrompt(ids);
        }

        return ids;
    }

    /// <summary>Appends the template's prefix.</summary>
    public void AppendPrefix(List<int> ids) => Append(ids, _prefix, string.Empty, string.Empty);

    /// <summary>Appends one message.</summary>
    public void AppendMessage(List<int> ids, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Append(ids, _message, message.Role.Value, TextOf(message));
    }

    /// <summary>Appends one message given as role and text.</summary>
    public void AppendMessage(List<int> ids, string role, string content) => Append(ids, _message, role, content);

    /// <summary>Appends the generation prompt.</summary>
    public void AppendGenerationPrompt(List<int> ids) => Append(ids, _generation, string.Empty, string.Empty);

    /// <summary>Encodes plain text (no template), as the content of a message would be.</summary>
    public IReadOnlyList<int> EncodeText(string text) =>
        string.IsNullOrEmpty(text) ? [] : _tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true);

    /// <summary>What a message's content renders as: its text, and function calls and results written out.</summary>
    public static string TextOf(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var builder = new StringBuilder();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    builder.Append(text.Text);
                    break;
                case FunctionCallContent call:
                    builder.Append(CultureInfo.InvariantCulture, $"[call {call.Name}({(call.Arguments is null ? string.Empty : string.Join(", ", call.Arguments.Select(static a => $"{a.Key}={FormatValue(a.Value)}")))})]");
                    break;
                case FunctionResultContent result:
                    builder.Append(CultureInfo.InvariantCulture, $"[result {FormatValue(result.Result)}]");
                    break;
                default:
                    break;
            }
        }

        return builder.ToString();
    }

    private static string FormatValue(object? value) => value switch
    {
        null => "null",
        string s => s,
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // A special token is one id whose decoding gives the string back; anything else is text in this vocabulary.
    private static int? SingleId(Tokenizer tokenizer, string text)
    {
        var ids = tokenizer.EncodeToIds(text);
        return ids.Count == 1 && tokenizer.Decode(ids) == text ? ids[0] : null;
    }

    private void Append(List<int> ids, Segment[] segments, string role, string content)
    {
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            switch (segment.Kind)
            {
                case SegmentKind.Special:
                    Flush(ids, text);
                    ids.Add(_specialIds[segment.Text]);
                    break;
                case SegmentKind.Content:
                    Flush(ids, text);
                    ids.AddRange(EncodeText(content));
                    break;
                default:
                    text.Append(segment.Text.Replace("{role}", role, StringComparison.Ordinal));
                    break;
            }
        }

        Flush(ids, text);
    }

    private void Flush(List<int> ids, StringBuilder text)
    {
        if (text.Length > 0)
        {
            ids.AddRange(EncodeText(text.ToString()));
            text.Clear();
        }
    }

    // Splits a format at the special tokens the vocabulary has and at {content}.
    private Segment[] Parse(string format)
    {
        var segments = new List<Segment>();
        var start = 0;
        var i = 0;
        while (i < format.Length)
        {
            string? special = null;
            foreach (var s in _specialIds.Keys)
            {
                if (string.CompareOrdinal(format, i, s, 0, s.Length) == 0 && (special is null || s.Length > special.Length))
                {
                    special = s;
                }
            }

            var isContent = string.CompareOrdinal(format, i, "{content}", 0, 9) == 0;
            if (special is null && !isContent)
            {
                i++;
                continue;
            }

            if (i > start)
            {
                segments.Add(new Segment(SegmentKind.Text, format[start..i]));
            }

            segments.Add(isContent ? new Segment(SegmentKind.Content, string.Empty) : new Segment(SegmentKind.Special, special!));
            i += isContent ? 9 : special!.Length;
            start = i;
        }

        if (start < format.Length)
        {
            segments.Add(new Segment(SegmentKind.Text, format[start..]));
        }

        return [.. segments];
    }

    private enum SegmentKind
    {
        Text,
        Special,
        Content,
    }

    private readonly record struct Segment(SegmentKind Kind, string Text);
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Local.Chat;

/// <summary>
/// Turns messages into token ids with a <see cref="ChatTemplate"/>, one message at a time: the message is rendered,
/// split at the template's special tokens (each one id), and the text between them (role, content and the literal
/// text around them) is encoded as one string, as a whole-string encoding of the rendered prompt would. A message's
/// ids therefore depend only on that message, and a prompt for turn N+1 starts with the ids of turn N's messages.
/// </summary>
/// <remarks>
/// <para>
/// With a SentencePiece tokenizer (<see cref="SentencePieceTokenizer"/>: Llama 1/2, Mistral, TinyLlama) the prompt
/// starts with BOS exactly once (unless the template starts with it: its prefix, or each message when there is no
/// prefix), whatever the tokenizer's own <see cref="SentencePieceTokenizer.AddBeginningOfSentence"/> says, and no
/// segment gets a BOS or EOS of its own.
/// SentencePiece prepends a dummy <c>▁</c> (a space) to every string it encodes. The reference these models were
/// trained on (Meta's Llama 2 code, Hugging Face's Llama tokenizer) encodes each run of text between special tokens
/// separately, so each such run starts with <c>▁</c>. The encoder gives exactly that: a run right after a special
/// token (or at the start of the prompt) gets the dummy prefix, and text that continues a run does not (the start of
/// a message whose template begins with text, e.g. Zephyr's <c>&lt;|user|&gt;</c> after the previous message's
/// <c>&lt;/s&gt;\n</c>, gets no <c>▁</c>, while the first message, right after BOS, does). A message's ids depend
/// only on the message and on whether the unit before it ended with a special token, which is the same for every
/// message but the first, so appending a turn still never changes earlier ids. <see cref="AppendMessage(List{int}, ChatMessage)"/>
/// encodes a message as it follows another message.
/// </para>
/// <para>Thread-safe (the tokenizers of Microsoft.ML.Tokenizers are).</para>
/// </remarks>
public sealed class ChatPromptEncoder
{
    // SentencePiece's escaped space; its normalizer prepends one to every string (the dummy prefix).
    private const char Space = '\u2581';
    private readonly Tokenizer _tokenizer;
    private readonly SentencePieceTokenizer? _sentencePiece;
    private readonly int? _bos;
    private readonly bool _messageFollowsSpecial;
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
        _sentencePiece = tokenizer as SentencePieceTokenizer;
        IEnumerable<string> specials = template.SpecialTokens;
        if (_sentencePiece is not null)
        {
            specials = specials.Append(_sentencePiece.BeginningOfSentenceToken).Append(_sentencePiece.EndOfSentenceToken);
        }

        foreach (var special in specials)
        {
            if (SingleId(tokenizer, special) is int id)
            {
                _specialIds[special] = id;
            }
        }

        _message = Parse(template.MessageFormat);
        _generation = Parse(template.GenerationPrompt);
        _prefix = Parse(template.Prefix);

        // BOS once, first: unless the template already starts the prompt with it (its prefix, or, with no prefix, each
        // message, as Llama 2's "<s>[INST] … [/INST] … </s>" does).
        if (_sentencePiece is not null)
        {
            var first = _prefix.Length > 0 ? _prefix[0] : _message.Length > 0 ? _message[0] : default;
            if (!(first.Kind == SegmentKind.Special && first.Text == _sentencePiece.BeginningOfSentenceToken))
            {
                _bos = _sentencePiece.BeginningOfSentenceId;
            }
        }

        _messageFollowsSpecial = _message.Length > 0 && _message[^1].Kind == SegmentKind.Special;
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

        // Whether the next text starts a run: the first message follows the prefix, later ones the message before.
        var runStarts = AppendStart(ids);
        foreach (var m in messages)
        {
            ArgumentNullException.ThrowIfNull(m);
            runStarts = Append(ids, _message, m.Role.Value, TextOf(m), runStarts);
        }

        if (addGenerationPrompt)
        {
            Append(ids, _generation, string.Empty, string.Empty, runStarts);
        }

        return ids;
    }

    /// <summary>Appends the template's prefix (after BOS when the tokenizer is SentencePiece).</summary>
    public void AppendPrefix(List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        AppendStart(ids);
    }

    /// <summary>
    /// Appends one message as it is encoded after another message (for the first message after the prefix,
    /// <see cref="Encode"/> can differ by SentencePiece's dummy prefix; see the remarks).
    /// </summary>
    public void AppendMessage(List<int> ids, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Append(ids, _message, message.Role.Value, TextOf(message), _messageFollowsSpecial);
    }

    /// <summary>Appends one message given as role and text.</summary>
    public void AppendMessage(List<int> ids, string role, string content) => Append(ids, _message, role, content, _messageFollowsSpecial);

    /// <summary>Appends the generation prompt.</summary>
    public void AppendGenerationPrompt(List<int> ids) => Append(ids, _generation, string.Empty, string.Empty, _messageFollowsSpecial);

    /// <summary>Encodes plain text (no template, no BOS), as a run of text at the start of a prompt would be.</summary>
    public IReadOnlyList<int> EncodeText(string text) => string.IsNullOrEmpty(text) ? [] : EncodeRun(text, runStarts: true);

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
    // SentencePiece decodes special tokens only when asked, and a control piece (<s>, </s>) is one id of its
    // vocabulary even where its text encoder does not match it.
    private static int? SingleId(Tokenizer tokenizer, string text)
    {
        if (tokenizer is SentencePieceTokenizer sentencePiece)
        {
            return sentencePiece.SpecialTokens?.TryGetValue(text, out var special) is true ? special
                : sentencePiece.Vocabulary.TryGetValue(text, out var piece) ? piece
                : null;
        }

        var ids = tokenizer.EncodeToIds(text);
        return ids.Count == 1 && tokenizer.Decode(ids) == text ? ids[0] : null;
    }

    private bool AppendStart(List<int> ids)
    {
        if (_bos is int bos)
        {
            ids.Add(bos);
        }

        return Append(ids, _prefix, string.Empty, string.Empty, runStarts: true);
    }

    // runStarts: whether the first text follows a special token or the start of the prompt (see the remarks);
    // returns whether text after these segments would.
    private bool Append(List<int> ids, Segment[] segments, string role, string content, bool runStarts)
    {
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            switch (segment.Kind)
            {
                case SegmentKind.Special:
                    Flush(ids, text, ref runStarts);
                    ids.Add(_specialIds[segment.Text]);
                    runStarts = true;
                    break;
                case SegmentKind.Content:
                    text.Append(content);
                    break;
                default:
                    text.Append(segment.Text.Replace("{role}", role, StringComparison.Ordinal));
                    break;
            }
        }

        Flush(ids, text, ref runStarts);
        return runStarts;
    }

    private void Flush(List<int> ids, StringBuilder text, ref bool runStarts)
    {
        if (text.Length > 0)
        {
            ids.AddRange(EncodeRun(text.ToString(), runStarts));
            text.Clear();
            runStarts = false;
        }
    }

    // Text between special tokens; with SentencePiece, with its dummy prefix only where a run starts, never a BOS/EOS.
    private IReadOnlyList<int> EncodeRun(string text, bool runStarts)
    {
        if (_sentencePiece is not { } sentencePiece)
        {
            return _tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true);
        }

        if (runStarts || !sentencePiece.AddDummyPrefix || sentencePiece.TreatWhitespaceAsSuffix || sentencePiece.Normalizer is not { } normalizer)
        {
            return sentencePiece.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false, considerPreTokenization: true, considerNormalization: true);
        }

        var normalized = normalizer.Normalize(text);
        if (normalized.Length > 0 && normalized[0] == Space)
        {
            normalized = normalized[1..];
        }

        return sentencePiece.EncodeToIds(normalized, addBeginningOfSentence: false, addEndOfSentence: false, considerPreTokenization: true, considerNormalization: false);
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

using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http;

/// <summary>
/// Holds a provider to the <see cref="ChatOptions.MaxOutputTokens"/> its request asked for: a server that keeps
/// sending past it (ignoring <c>max_tokens</c>, or hostile) is stopped with a
/// <see cref="BackendResponseTooLargeException"/> instead of filling memory.
/// </summary>
/// <remarks>
/// The backends have no tokenizer of the provider's model, so output is measured in UTF-8 bytes of its text and
/// reasoning and only a clear overrun counts: more than <see cref="BytesPerToken"/> bytes per allowed token plus
/// <see cref="SlackBytes"/>. Prose averages about 4 bytes a token, but an honest answer can be made of much longer
/// ones: a run of spaces or newlines, a <c>----</c> or <c>====</c> rule, deep indentation are single tokens of 16 to
/// 64 bytes or more, and OpenAI warns that in JSON mode a model may emit whitespace until the token limit. So the
/// bound sits at the long end of single tokens; memory is bounded anyway by
/// <see cref="ResilienceOptions.MaxResponseBytes"/>, and this limit only has to stop a server that streams on far
/// past what was asked (a 1,000-token request stops after about 65 KB). An error rather than a silent cut: the cut
/// would fall at an estimate, not where the model would have stopped, and the server's disregard of the limit is
/// worth knowing.
/// </remarks>
internal sealed class OutputLimit
{
    /// <summary>Bytes of text allowed per requested token before the overrun is clear.</summary>
    public const int BytesPerToken = 64;

    /// <summary>Bytes allowed on top, so a tiny limit is not tripped by one long word or a few long tokens.</summary>
    public const int SlackBytes = 1024;

    private readonly string _provider;
    private readonly int _maxTokens;
    private readonly long _maxBytes;
    private long _bytes;

    private OutputLimit(string provider, int maxTokens)
    {
        _provider = provider;
        _maxTokens = maxTokens;
        _maxBytes = ((long)maxTokens * BytesPerToken) + SlackBytes;
    }

    /// <summary>The limit for a request that asked for at most <paramref name="maxOutputTokens"/>; null when it set none.</summary>
    public static OutputLimit? For(string provider, int? maxOutputTokens) =>
        maxOutputTokens is { } max && max > 0 ? new OutputLimit(provider, max) : null;

    /// <summary>Counts a streamed update's output.</summary>
    /// <exception cref="BackendResponseTooLargeException">The output so far is clearly over the limit.</exception>
    public void Add(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        Add(update.Contents);
    }

    /// <summary>Checks a whole answer against the limit and returns it.</summary>
    /// <exception cref="BackendResponseTooLargeException">The answer is clearly over the limit.</exception>
    public static ChatResponse Checked(string provider, ChatResponse response, int? maxOutputTokens)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (For(provider, maxOutputTokens) is { } limit)
        {
            foreach (var message in response.Messages)
            {
                limit.Add(message.Contents);
            }
        }

        return response;
    }

    private void Add(IList<AIContent> contents)
    {
        foreach (var content in contents)
        {
            var text = content switch
            {
                TextContent t => t.Text,
                TextReasoningContent r => r.Text,
                _ => null,
            };
            if (!string.IsNullOrEmpty(text))
            {
                _bytes += Encoding.UTF8.GetByteCount(text);
            }
        }

        if (_bytes > _maxBytes)
        {
            throw BackendResponseTooLargeException.Tokens(_provider, _maxTokens, (_bytes + 3) / 4);
        }
    }
}

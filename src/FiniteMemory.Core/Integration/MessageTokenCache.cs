using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using FiniteMemory.Tokens;

namespace FiniteMemory.Integration;

/// <summary>
/// Caches token counts per <see cref="ChatMessage"/> instance for stateless callers (the reducer and the
/// middleware receive the whole history on every call), so each message is tokenized once in its life.
/// </summary>
/// <remarks>
/// Entries live exactly as long as their message (weak keys). Messages are mutable, so each count carries a
/// cheap shape fingerprint (role, author, and each content's type and length); a message edited in a way
/// that changes its shape is counted again.
/// </remarks>
internal sealed class MessageTokenCache
{
    private readonly ConditionalWeakTable<ChatMessage, Entry> _counts = [];
    private readonly ITokenCounter _counter;

    public MessageTokenCache(ITokenCounter counter) => _counter = counter;

    public int Count(ChatMessage message)
    {
        var fingerprint = Fingerprint(message);
        if (_counts.TryGetValue(message, out var cached) && cached.Fingerprint == fingerprint)
        {
            return cached.Tokens;
        }

        var tokens = _counter.CountMessage(message);
        _counts.AddOrUpdate(message, new Entry(fingerprint, tokens));
        return tokens;
    }

    private static long Fingerprint(ChatMessage message)
    {
        var hash = new HashCode();
        hash.Add(message.Role);
        hash.Add(message.AuthorName?.Length ?? -1);
        foreach (var content in message.Contents)
        {
            hash.Add(content.GetType());
            switch (content)
            {
                case TextContent text:
                    hash.Add(text.Text.Length);
                    break;
                case TextReasoningContent reasoning:
                    hash.Add(reasoning.Text.Length);
                    break;
                case FunctionCallContent call:
                    hash.Add(call.Name);
                    hash.Add(call.Arguments?.Count ?? -1);
                    break;
                case FunctionResultContent result:
                    hash.Add(result.Result);
                    break;
            }
        }

        return ((long)message.Contents.Count << 32) | (uint)hash.ToHashCode();
    }

    private sealed record Entry(long Fingerprint, int Tokens);
}

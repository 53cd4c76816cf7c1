using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// Caches token counts per <see cref="ChatMessage"/> instance for stateless callers (the reducer and the
/// middleware receive the whole history on every call), so each message is tokenized once in its life.
/// </summary>
/// <remarks>
/// Entries live exactly as long as their message (weak keys). Messages are mutable, so each count carries
/// the message's <see cref="MessageShape"/>; a message edited in a way that changes its shape is counted again.
/// </remarks>
internal sealed class MessageTokenCache
{
    private readonly ConditionalWeakTable<ChatMessage, Entry> _counts = [];
    private readonly ITokenCounter _counter;

    public MessageTokenCache(ITokenCounter counter) => _counter = counter;

    /// <summary>The count of a message whose <see cref="MessageShape"/> the caller computed.</summary>
    public int Count(ChatMessage message, long fingerprint)
    {
        if (_counts.TryGetValue(message, out var cached) && cached.Fingerprint == fingerprint)
        {
            return cached.Tokens;
        }

        var tokens = _counter.CountMessage(message);
        _counts.AddOrUpdate(message, new Entry(fingerprint, tokens));
        return tokens;
    }

    private sealed record Entry(long Fingerprint, int Tokens);
}

using Microsoft.Extensions.AI;
using FiniteMemory.Conversation;
using FiniteMemory.Tokens;

namespace FiniteMemory.Integration;

/// <summary>
/// The transcripts of the few conversations a stateless reducer saw last. M.E.AI callers pass the whole
/// history on every call, mostly the same message instances plus a few new ones; reusing the transcript of
/// the longest matching prefix turns each call into a cheap check per message and an append of the new
/// tail, instead of re-reading (re-grouping, re-identifying) the whole conversation.
/// </summary>
/// <remarks>
/// A remembered message matches when it is the same instance with the same <see cref="MessageShape"/>: a
/// message replaced by a new instance or edited in place is re-read from there on, and pin marks added to
/// already-seen messages are picked up. A rented transcript is used by one caller at a time; concurrent calls
/// for the same conversation each read their own.
/// </remarks>
internal sealed class ConversationCache
{
    /// <summary>How many conversations are remembered (least recently used is dropped first).</summary>
    public const int Capacity = 8;

    private readonly Lock _gate = new();
    private readonly List<Remembered> _recent = new(Capacity);
    private readonly ITokenCounter _counter;
    private readonly MessageTokenCache _tokens;

    public ConversationCache(ITokenCounter counter)
    {
        _counter = counter;
        _tokens = new MessageTokenCache(counter);
    }

    /// <summary>Returns a conversation whose transcript holds exactly <paramref name="messages"/>; give it back with <see cref="Return"/>.</summary>
    public Remembered Rent(IReadOnlyList<ChatMessage> messages)
    {
        var conversation = TakeBestMatch(messages) ?? new Remembered(new Transcript(_counter), []);
        var transcript = conversation.Transcript;
        var shapes = conversation.Shapes;

        var common = 0;
        var limit = Math.Min(transcript.Count, messages.Count);
        while (common < limit)
        {
            var message = messages[common];
            if (!ReferenceEquals(transcript[common].Message, message) || MessageShape.Of(message) != shapes[common])
            {
                break;
            }

            if (message.AdditionalProperties is not null && message.IsPinned() != transcript[common].Pinned)
            {
                transcript.SetPinned(transcript[common].Id, !transcript[common].Pinned);
            }

            common++;
        }

        if (common < transcript.Count)
        {
            transcript.TruncateTo(common);
            shapes.RemoveRange(common, shapes.Count - common);
        }

        for (var i = common; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentNullException(nameof(messages), $"Message {i} is null.");
            var shape = MessageShape.Of(message);
            transcript.Add(message, pinned: false, id: null, _tokens.Count(message, shape));
            shapes.Add(shape);
        }

        return conversation;
    }

    public void Return(Remembered conversation)
    {
        lock (_gate)
        {
            if (_recent.Count == Capacity)
            {
                _recent.RemoveAt(0);
            }

            _recent.Add(conversation);
        }
    }

    // The remembered conversation most likely to share the longest prefix: same first message, and the same
    // message at the last position both could share (true for a history that only grew).
    private Remembered? TakeBestMatch(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0)
        {
            return null;
        }

        lock (_gate)
        {
            var best = -1;
            var bestLength = -1;
            for (var i = _recent.Count - 1; i >= 0; i--)
            {
                var t = _recent[i].Transcript;
                if (t.Count == 0 || !ReferenceEquals(t[0].Message, messages[0]))
                {
                    continue;
                }

                var last = Math.Min(t.Count, messages.Count) - 1;
                var length = ReferenceEquals(t[last].Message, messages[last]) ? last + 1 : 1;
                if (length > bestLength)
                {
                    best = i;
                    bestLength = length;
                }
            }

            if (best < 0)
            {
                return null;
            }

            var found = _recent[best];
            _recent.RemoveAt(best);
            return found;
        }
    }

    /// <summary>A remembered conversation: its transcript and the shape of each of its messages when read.</summary>
    internal sealed record Remembered(Transcript Transcript, List<long> Shapes);
}

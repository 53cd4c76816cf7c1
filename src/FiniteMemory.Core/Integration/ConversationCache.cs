using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

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
        var conversation = TakeBestMatch(messages) ?? new Remembered(new Transcript(_counter));
        var common = messages switch
        {
            List<ChatMessage> list => conversation.Verify(CollectionsMarshal.AsSpan(list)),
            ChatMessage[] array => conversation.Verify(array),
            _ => VerifyCopy(conversation, messages),
        };

        conversation.TruncateTo(common);
        for (var i = common; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentNullException(nameof(messages), $"Message {i} is null.");
            var shape = MessageShape.Of(message);
            conversation.Add(message, shape, _tokens.Count(message, shape));
        }

        return conversation;
    }

    // Another kind of list is verified through a pooled copy of the part that can match.
    private static int VerifyCopy(Remembered conversation, IReadOnlyList<ChatMessage> messages)
    {
        var limit = Math.Min(conversation.Transcript.Count, messages.Count);
        var copy = ArrayPool<ChatMessage>.Shared.Rent(limit);
        try
        {
            for (var i = 0; i < limit; i++)
            {
                copy[i] = messages[i];
            }

            return conversation.Verify(copy.AsSpan(0, limit));
        }
        finally
        {
            ArrayPool<ChatMessage>.Shared.Return(copy, clearArray: true);
        }
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

    /// <summary>
    /// A remembered conversation: its transcript, and each message as read (the instance and its
    /// <see cref="MessageShape"/>) in plain arrays, so verifying a long history is a walk over two arrays.
    /// </summary>
    internal sealed class Remembered(Transcript transcript)
    {
        private ChatMessage[] _messages = [];
        private long[] _shapes = [];

        public Transcript Transcript { get; } = transcript;

        /// <summary>How many leading <paramref name="messages"/> are the remembered ones, unchanged (pin marks are picked up on the way).</summary>
        public int Verify(ReadOnlySpan<ChatMessage> messages)
        {
            var known = _messages;
            var shapes = _shapes;
            var limit = Math.Min(Transcript.Count, messages.Length);
            var common = 0;
            for (; common < limit; common++)
            {
                var message = messages[common];
                if (!ReferenceEquals(known[common], message) || MessageShape.Of(message) != shapes[common])
                {
                    break;
                }

                if (message.AdditionalProperties is not null)
                {
                    SyncPin(common, message);
                }
            }

            return common;
        }

        /// <summary>Forgets the messages from <paramref name="count"/> on.</summary>
        public void TruncateTo(int count)
        {
            var before = Transcript.Count;
            if (count < before)
            {
                Transcript.TruncateTo(count);
                Array.Clear(_messages, count, before - count);
            }
        }

        /// <summary>Appends a message read now.</summary>
        public void Add(ChatMessage message, long shape, int tokens)
        {
            var index = Transcript.Count;
            Transcript.Add(message, pinned: false, id: null, tokens);
            if (index == _messages.Length)
            {
                var size = Math.Max(16, index * 2);
                Array.Resize(ref _messages, size);
                Array.Resize(ref _shapes, size);
            }

            _messages[index] = message;
            _shapes[index] = shape;
        }

        // A pin mark added to (or removed from) a message already read.
        private void SyncPin(int index, ChatMessage message)
        {
            var entry = Transcript[index];
            if (message.IsPinned() != entry.Pinned)
            {
                Transcript.SetPinned(entry.Id, !entry.Pinned);
            }
        }
    }
}

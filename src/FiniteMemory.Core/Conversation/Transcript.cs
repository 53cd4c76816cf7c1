using System.Collections;
using System.Globalization;
using Microsoft.Extensions.AI;
using FiniteMemory.Stages;

namespace FiniteMemory;

/// <summary>
/// The whole conversation, append-only: every message in full with its id, turn, cached token count,
/// group and pin. Policies never remove anything from it; they only decide which entries a window shows.
/// </summary>
/// <remarks>
/// Appending is O(1) amortized and does all the per-message work once (token counting, grouping), so that
/// building a window does not grow with the length of the conversation. Not thread-safe for writers;
/// <see cref="MemorySession"/> serializes access.
/// <para>Reading is safe from any thread, also while a turn appends or undoes messages: enumeration, <see cref="Count"/>
/// and the indexer read a snapshot (the entries as they were when it was taken; an enumerator keeps the snapshot it
/// started with), never a half-written state, and enumeration never throws because the transcript changed.
/// <see cref="Find"/>, <see cref="Groups"/> and the rest are for the thread that owns the conversation.</para>
/// </remarks>
public sealed class Transcript : IReadOnlyList<MemoryEntry>
{
    // Below this many messages, starting parallel work costs more than it saves.
    private const int ParallelCountThreshold = 32;

    private readonly List<MemoryEntry> _entries = [];

    // The entries as other threads see them: an array and a count published together, where a slot below a
    // published count is never overwritten (undo and re-pin copy to a fresh array), so a reader never needs a lock.
    private EntrySnapshot _snapshot = new(new MemoryEntry[16], 0);
    private readonly List<MessageGroup> _groups = [];
    private readonly Dictionary<string, int> _indexById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _groupByCallId = new(StringComparer.Ordinal);
    private readonly List<int> _mandatoryGroups = [];
    private Dictionary<Type, TranscriptState>? _states;
    private KeptMarks? _spareMarks;

    // The generated-id counter as it was before each entry, so that undoing entries also undoes their ids.
    private readonly List<int> _nextIdBefore = [];

    // Ids in order, append-only: a slot below the count is never overwritten (undo copies to a fresh array),
    // so reports can hold (array, count) and list evicted ids lazily whatever happens to the transcript later.
    private string[] _ids = new string[16];
    private long _totalTokens;
    private int _turn;
    private int _lastUserIndex = -1;
    private int _nextGeneratedId = 1;

    /// <summary>Creates an empty transcript whose messages are counted with <paramref name="counter"/>.</summary>
    public Transcript(ITokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        Counter = counter;
    }

    /// <summary>The counter that produced every entry's <see cref="MemoryEntry.Tokens"/>.</summary>
    public ITokenCounter Counter { get; }

    /// <summary>Number of messages.</summary>
    public int Count => Volatile.Read(ref _snapshot).Count;

    /// <summary>The entry at a transcript index.</summary>
    public MemoryEntry this[int index] => Volatile.Read(ref _snapshot)[index];

    /// <summary>The atomic groups, chronological by first member.</summary>
    public IReadOnlyList<MessageGroup> Groups => _groups;

    /// <summary>A group by index, without an interface call (hot paths).</summary>
    internal MessageGroup GroupAt(int index) => _groups[index];

    /// <summary><see cref="MandatoryGroups"/> as the list it is (hot paths).</summary>
    internal List<int> MandatoryGroupList => _mandatoryGroups;

    /// <summary>Indices of the groups that every window must keep (system or pinned), ascending.</summary>
    public IReadOnlyList<int> MandatoryGroups => _mandatoryGroups;

    /// <summary>Sum of every entry's tokens.</summary>
    public long TotalTokens => _totalTokens;

    /// <summary>The current turn number (number of user messages so far).</summary>
    public int Turn => _turn;

    /// <summary>Index of the newest user message, or -1 when there is none.</summary>
    public int LastUserIndex => _lastUserIndex;

    /// <summary>
    /// How many leading messages came from a checkpoint older than format version 3, which could hold a tool call
    /// nobody will answer (see <c>ToolCallGuard.ResultsForRestoredCalls</c>); 0 otherwise.
    /// </summary>
    internal int RestoredFromOlderFormat { get; set; }

    /// <summary>Creates a transcript holding <paramref name="messages"/> in order.</summary>
    public static Transcript From(IEnumerable<ChatMessage> messages, ITokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var transcript = new Transcript(counter);
        foreach (var message in messages)
        {
            transcript.Add(message);
        }

        return transcript;
    }

    /// <summary>Appends a message.</summary>
    /// <param name="message">The message; kept by reference and never modified.</param>
    /// <param name="pinned">Pin it (also implied by <see cref="ChatMessagePinning.Pin"/> on the message).</param>
    /// <param name="id">Its id; defaults to <see cref="ChatMessage.MessageId"/> when that is not already used, else to a generated <c>m{n}</c>.</param>
    /// <returns>The new entry.</returns>
    /// <exception cref="ArgumentException">The id is already used in this transcript.</exception>
    public MemoryEntry Add(ChatMessage message, bool pinned = false, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Add(message, pinned, id, Counter.CountMessage(message));
    }

    /// <summary>
    /// Appends messages in order, all or none: if one is rejected (a duplicate id), the transcript is left as it
    /// was. Ids come from each <see cref="ChatMessage.MessageId"/> when free, pins from <see cref="ChatMessagePinning.Pin"/>.
    /// Token counting, the expensive part, runs in parallel for long histories.
    /// </summary>
    /// <returns>The new entries.</returns>
    public IReadOnlyList<MemoryEntry> AddRange(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        for (var i = 0; i < list.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(list[i], nameof(messages));
        }

        var tokens = new int[list.Count];
        if (list.Count >= ParallelCountThreshold && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, list.Count, i => tokens[i] = Counter.CountMessage(list[i]));
        }
        else
        {
            for (var i = 0; i < list.Count; i++)
            {
                tokens[i] = Counter.CountMessage(list[i]);
            }
        }

        var mark = Count;
        var added = new MemoryEntry[list.Count];
        try
        {
            for (var i = 0; i < list.Count; i++)
            {
                added[i] = Add(list[i], pinned: false, id: null, tokens[i]);
            }
        }
        catch
        {
            TruncateTo(mark);
            throw;
        }

        return added;
    }

    /// <summary>Appends a message whose token count is already known (cached by the caller).</summary>
    /// <param name="message">The message.</param>
    /// <param name="pinned">Whether to pin it.</param>
    /// <param name="id">Its id, or null for the default.</param>
    /// <param name="tokens">Its token count.</param>
    /// <param name="honourPinMark">Also pin it if the message carries <see cref="ChatMessagePinning.Pin"/>'s mark (false when restoring a recorded pin state).</param>
    internal MemoryEntry Add(ChatMessage message, bool pinned, string? id, int tokens, bool honourPinMark = true)
    {
        var generatedIdBefore = _nextGeneratedId;

        // An explicit id must be unique; a message's own MessageId is used when free (providers may repeat one
        // response id across several messages), otherwise an id is generated.
        if (id is null && message.MessageId is { Length: > 0 } messageId && !_indexById.ContainsKey(messageId))
        {
            id = messageId;
        }

        if (id is null)
        {
            do
            {
                id = "m" + _nextGeneratedId++.ToString(CultureInfo.InvariantCulture);
            }
            while (_indexById.ContainsKey(id));
        }
        else if (id.Length == 0)
        {
            throw new ArgumentException("A message id must not be empty.", nameof(id));
        }
        else if (_indexById.ContainsKey(id))
        {
            throw new ArgumentException($"A message with id '{id}' is already in the transcript; ids must be unique.", nameof(id));
        }

        var index = _entries.Count;
        var isUser = message.Role == ChatRole.User;
        if (isUser)
        {
            _turn++;
            _lastUserIndex = index;
        }

        pinned |= honourPinMark && message.IsPinned();
        var isSystem = message.Role == ChatRole.System;
        var groupIndex = FindAnsweredGroup(message);
        MessageGroup group;
        if (groupIndex >= 0)
        {
            var old = _groups[groupIndex];
            var members = new int[old.Members.Count + 1];
            for (var i = 0; i < old.Members.Count; i++)
            {
                members[i] = old.Members[i];
            }

            members[^1] = index;
            group = old.With(members, old.Tokens + tokens, old.HasSystem || isSystem, old.HasPinned || pinned);
            _groups[groupIndex] = group;
        }
        else
        {
            groupIndex = _groups.Count;
            group = new MessageGroup(groupIndex, [index], tokens, isSystem, pinned, HasFunctionCalls(message));
            _groups.Add(group);
        }

        foreach (var content in message.Contents)
        {
            if (content is FunctionCallContent call && !string.IsNullOrEmpty(call.CallId))
            {
                _groupByCallId[call.CallId] = groupIndex;
            }
        }

        if (group.IsMandatory)
        {
            AddMandatory(groupIndex);
        }

        var entry = new MemoryEntry(id, index, _turn, message, tokens, groupIndex, pinned);
        _entries.Add(entry);
        Publish(index, entry, copy: false);
        if (index == _ids.Length)
        {
            Array.Resize(ref _ids, _ids.Length * 2);
        }

        _ids[index] = id;
        _nextIdBefore.Add(generatedIdBefore);
        _indexById.Add(id, index);
        _totalTokens += tokens;
        return entry;
    }

    /// <summary>Finds an entry by id.</summary>
    public MemoryEntry? Find(string id) => _indexById.TryGetValue(id, out var index) ? _entries[index] : null;

    /// <summary>Pins or unpins a message (and so its whole group).</summary>
    /// <exception cref="KeyNotFoundException">No message has that id.</exception>
    public void SetPinned(string id, bool pinned)
    {
        if (!_indexById.TryGetValue(id, out var index))
        {
            throw new KeyNotFoundException($"No message with id '{id}' is in the transcript.");
        }

        var entry = _entries[index];
        if (entry.Pinned == pinned)
        {
            return;
        }

        var repinned = entry.WithPinned(pinned);
        _entries[index] = repinned;
        Publish(index, repinned, copy: true);
        RecomputeGroup(entry.Group);
    }

    /// <summary>
    /// The state of type <typeparamref name="T"/> that stages keep for this conversation, created by
    /// <paramref name="create"/> on first use.
    /// </summary>
    public T GetState<T>(Func<T> create)
        where T : TranscriptState
    {
        ArgumentNullException.ThrowIfNull(create);
        _states ??= [];
        if (_states.TryGetValue(typeof(T), out var state))
        {
            return (T)state;
        }

        var created = create();
        _states.Add(typeof(T), created);
        return created;
    }

    /// <summary>The state of type <typeparamref name="T"/>, if a stage created one.</summary>
    public bool TryGetState<T>([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? state)
        where T : TranscriptState
    {
        if (_states is not null && _states.TryGetValue(typeof(T), out var found))
        {
            state = (T)found;
            return true;
        }

        state = null;
        return false;
    }

    /// <summary>
    /// The policy build running on this conversation under a latency budget, if any: one abandoned at the deadline
    /// may still be finishing, and it uses the conversation's <see cref="TranscriptState"/>s. The engine waits for
    /// it before the next policy build, and undoing messages waits for it before their state is forgotten.
    /// </summary>
    internal Task? RunningPolicy { get; set; }

    /// <summary>
    /// Lends this conversation's kept-group marks to a frame (new marks if another frame still holds them, e.g. a
    /// policy abandoned at its latency budget). Give them back with <see cref="ReturnMarks"/> once the frame is done.
    /// </summary>
    internal KeptMarks RentMarks() => Interlocked.Exchange(ref _spareMarks, null) ?? new KeptMarks();

    /// <summary>Takes back marks lent by <see cref="RentMarks"/>; the frame that held them no longer uses them.</summary>
    internal void ReturnMarks(KeptMarks marks) => Volatile.Write(ref _spareMarks, marks);

    /// <summary>The ids of the first <see cref="Count"/> entries; stays valid (unchanged) after later appends and undos.</summary>
    internal IdSnapshot Ids => new(_ids, _entries.Count);

    /// <summary>Removes the newest entries down to <paramref name="count"/>: undoes a turn that failed.</summary>
    internal void TruncateTo(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count < _entries.Count)
        {
            var ids = new string[_ids.Length];
            Array.Copy(_ids, ids, count);
            _ids = ids;
            var entries = new MemoryEntry[Volatile.Read(ref _snapshot).Items.Length];
            Array.Copy(_snapshot.Items, entries, count);
            Volatile.Write(ref _snapshot, new EntrySnapshot(entries, count));
        }

        for (var i = _entries.Count - 1; i >= count; i--)
        {
            var entry = _entries[i];
            _indexById.Remove(entry.Id);
            foreach (var content in entry.Message.Contents)
            {
                if (content is FunctionCallContent call && !string.IsNullOrEmpty(call.CallId)
                    && _groupByCallId.TryGetValue(call.CallId, out var g) && g == entry.Group)
                {
                    _groupByCallId.Remove(call.CallId);
                }
            }

            _entries.RemoveAt(i);
            _nextGeneratedId = _nextIdBefore[i];
            _nextIdBefore.RemoveAt(i);
            _totalTokens -= entry.Tokens;
            var group = _groups[entry.Group];
            if (group.Members.Count == 1)
            {
                // A group is created by its first member, so a group whose only member is the newest entry is the newest group.
                _groups.RemoveAt(entry.Group);
                RemoveMandatory(entry.Group);
            }
            else
            {
                RecomputeGroup(entry.Group);
            }
        }

        if (_states is not null)
        {
            // An abandoned policy still finishing must not see its caches change under it.
            if (RunningPolicy is { IsCompleted: false } running)
            {
                ((IAsyncResult)running).AsyncWaitHandle.WaitOne();
            }

            foreach (var state in _states.Values)
            {
                state.OnTruncated(count);
            }
        }

        _turn = _entries.Count > 0 ? _entries[^1].Turn : 0;
        _lastUserIndex = -1;
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Role == ChatRole.User)
            {
                _lastUserIndex = i;
                break;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Enumerates a snapshot: messages added or undone meanwhile (by a turn on another thread) do not affect it.</remarks>
    public IEnumerator<MemoryEntry> GetEnumerator() => Volatile.Read(ref _snapshot).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Makes entry index visible to readers: appended in place (its slot was never published) or, when an entry
    // readers may already see changes, in a fresh copy.
    private void Publish(int index, MemoryEntry entry, bool copy)
    {
        var current = _snapshot;
        var items = current.Items;
        var count = Math.Max(current.Count, index + 1);
        if (copy || index >= items.Length)
        {
            items = new MemoryEntry[Math.Max(items.Length, index + 1) * (index >= items.Length ? 2 : 1)];
            Array.Copy(current.Items, items, current.Count);
        }

        items[index] = entry;
        Volatile.Write(ref _snapshot, new EntrySnapshot(items, count));
    }

    private static bool HasFunctionCalls(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is FunctionCallContent)
            {
                return true;
            }
        }

        return false;
    }

    // A message answering a call joins the call's group; a result whose call is unknown stands alone.
    private int FindAnsweredGroup(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is FunctionResultContent result && !string.IsNullOrEmpty(result.CallId)
                && _groupByCallId.TryGetValue(result.CallId, out var group))
            {
                return group;
            }
        }

        return -1;
    }

    private void RecomputeGroup(int groupIndex)
    {
        var old = _groups[groupIndex];
        var members = new List<int>(old.Members.Count);
        int tokens = 0;
        bool hasSystem = false, hasPinned = false;
        foreach (var member in old.Members)
        {
            if (member >= _entries.Count)
            {
                continue;
            }

            var entry = _entries[member];
            members.Add(member);
            tokens += entry.Tokens;
            hasSystem |= entry.IsSystem;
            hasPinned |= entry.Pinned;
        }

        var group = old.With([.. members], tokens, hasSystem, hasPinned);
        _groups[groupIndex] = group;
        if (group.IsMandatory)
        {
            AddMandatory(groupIndex);
        }
        else
        {
            RemoveMandatory(groupIndex);
        }
    }

    private void AddMandatory(int groupIndex)
    {
        var at = _mandatoryGroups.BinarySearch(groupIndex);
        if (at < 0)
        {
            _mandatoryGroups.Insert(~at, groupIndex);
        }
    }

    private void RemoveMandatory(int groupIndex)
    {
        var at = _mandatoryGroups.BinarySearch(groupIndex);
        if (at >= 0)
        {
            _mandatoryGroups.RemoveAt(at);
        }
    }

    // What readers see: the first Count entries of Items, never changed once published.
    private sealed class EntrySnapshot(MemoryEntry[] items, int count)
    {
        public MemoryEntry[] Items { get; } = items;

        public int Count { get; } = count;

        public MemoryEntry this[int index] => (uint)index < (uint)Count ? Items[index] : throw new ArgumentOutOfRangeException(nameof(index), index, "No transcript entry has that index.");

        public IEnumerator<MemoryEntry> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return Items[i];
            }
        }
    }
}

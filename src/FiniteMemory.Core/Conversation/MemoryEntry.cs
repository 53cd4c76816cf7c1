using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// One message of a conversation as FiniteMemory remembers it: the full message, never shortened, with
/// what every turn needs precomputed once (its token count, its turn, its group).
/// </summary>
/// <remarks>Entries are immutable; pinning or unpinning replaces the entry in its <see cref="Transcript"/>.</remarks>
public sealed class MemoryEntry
{
    internal MemoryEntry(string id, int index, int turn, ChatMessage message, int tokens, int group, bool pinned)
    {
        Id = id;
        Index = index;
        Turn = turn;
        Message = message;
        Tokens = tokens;
        Group = group;
        Pinned = pinned;
    }

    /// <summary>The stable id: the message's own <see cref="ChatMessage.MessageId"/>, the id given when adding it, or a generated one.</summary>
    public string Id { get; }

    /// <summary>The position in the transcript (0-based, chronological).</summary>
    public int Index { get; }

    /// <summary>The conversational turn: the number of user messages up to and including this one (0 before the first).</summary>
    public int Turn { get; }

    /// <summary>The message, complete.</summary>
    public ChatMessage Message { get; }

    /// <summary>Its token count, computed once with the session's counter (uncalibrated).</summary>
    public int Tokens { get; }

    /// <summary>The index of the atomic group this message belongs to in <see cref="Transcript.Groups"/>.</summary>
    public int Group { get; }

    /// <summary>Whether the message was pinned: it is in every window.</summary>
    public bool Pinned { get; }

    /// <summary>The message's role.</summary>
    public ChatRole Role => Message.Role;

    /// <summary>Whether the message is a system message (always kept).</summary>
    public bool IsSystem => Message.Role == ChatRole.System;

    internal MemoryEntry WithPinned(bool pinned) => new(Id, Index, Turn, Message, Tokens, Group, pinned);

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Role}, {Tokens} tokens{(Pinned ? ", pinned" : string.Empty)})";
}

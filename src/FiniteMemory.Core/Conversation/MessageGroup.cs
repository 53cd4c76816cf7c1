namespace FiniteMemory;

/// <summary>
/// Messages that are kept or dropped together: an assistant message that calls functions and the tool
/// messages carrying their results (a model rejects a result whose call it cannot see), or a single message.
/// </summary>
/// <remarks>Groups are immutable; when a result joins a group the transcript replaces the group.</remarks>
public sealed class MessageGroup
{
    internal MessageGroup(int index, int[] members, int tokens, bool hasSystem, bool hasPinned, bool hasFunctionCalls)
    {
        Index = index;
        MemberArray = members;
        Tokens = tokens;
        HasSystem = hasSystem;
        HasPinned = hasPinned;
        HasFunctionCalls = hasFunctionCalls;
    }

    /// <summary>The group's index in <see cref="Transcript.Groups"/> (chronological by first member).</summary>
    public int Index { get; }

    /// <summary>Transcript indices of the members, ascending.</summary>
    public IReadOnlyList<int> Members => MemberArray;

    /// <summary>The first member's transcript index.</summary>
    public int First => MemberArray[0];

    /// <summary>The last member's transcript index.</summary>
    public int Last => MemberArray[^1];

    /// <summary>The members as the array they are stored in (hot paths avoid interface calls).</summary>
    internal int[] MemberArray { get; }

    /// <summary>The members' summed token counts (uncalibrated).</summary>
    public int Tokens { get; }

    /// <summary>Whether a member is a system message.</summary>
    public bool HasSystem { get; }

    /// <summary>Whether a member is pinned.</summary>
    public bool HasPinned { get; }

    /// <summary>Whether the group is a tool exchange (its first message calls functions).</summary>
    public bool HasFunctionCalls { get; }

    /// <summary>Whether the group must be in every window (system or pinned).</summary>
    public bool IsMandatory => HasSystem || HasPinned;

    internal MessageGroup With(int[] members, int tokens, bool hasSystem, bool hasPinned) =>
        new(Index, members, tokens, hasSystem, hasPinned, HasFunctionCalls);
}

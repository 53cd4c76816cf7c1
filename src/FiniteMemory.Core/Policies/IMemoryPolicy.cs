using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <summary>
/// Decides which messages a window shows, by running stages over a <see cref="MemoryFrame"/>.
/// </summary>
/// <remarks>
/// Before a policy runs, the engine has already kept the system and pinned messages and the newest user
/// message; after it, the engine orders the kept messages chronologically. A policy can only add whole
/// groups that fit (see <see cref="MemoryFrame.TryKeep(int, KeepReason)"/>), so it cannot break the window's invariants.
/// A policy that throws or overruns its latency budget is replaced by <see cref="SlidingPolicy"/> for that
/// turn, and the report says why.
/// </remarks>
public interface IMemoryPolicy
{
    /// <summary>The name configuration selects the policy by (e.g. <c>sliding</c>).</summary>
    string Name { get; }

    /// <summary>One line saying what the policy keeps, for listings.</summary>
    string Description { get; }

    /// <summary>Selects messages for the window.</summary>
    ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken);
}

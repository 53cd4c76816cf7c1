using FiniteMemory.Memory;
using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <summary>
/// The sliding window: after the system and pinned messages and the newest user message, the newest
/// messages that fit, with no gaps, never splitting a tool call from its results. Also the fallback for
/// every other policy, because it needs nothing but token counts and is O(window) per turn.
/// </summary>
public sealed class SlidingPolicy : IMemoryPolicy
{
    /// <summary>The policy's registered name.</summary>
    public const string PolicyName = "sliding";

    private SlidingPolicy()
    {
    }

    /// <summary>The one instance (the policy has no state).</summary>
    public static SlidingPolicy Instance { get; } = new();

    /// <inheritdoc />
    public string Name => PolicyName;

    /// <inheritdoc />
    public string Description => "System and pinned messages, then the newest turns that fit; tool calls stay with their results.";

    /// <inheritdoc />
    public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken)
    {
        Build(frame);
        return ValueTask.CompletedTask;
    }

    /// <summary>The synchronous body, used directly for fallbacks.</summary>
    internal static void Build(MemoryFrame frame) => KeepRecentStage.Run(frame);
}

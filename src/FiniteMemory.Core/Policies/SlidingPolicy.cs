using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <summary>
/// The sliding window: after the system and pinned messages and the newest user message, the newest
/// messages that fit, with no gaps, never splitting a tool call from its results. Also the fallback for
/// every other policy, because it needs nothing but token counts and is O(window) per turn.
/// </summary>
/// <remarks>
/// Declared with the same attributes as any user policy; the source generator writes its
/// <see cref="IMemoryPolicy"/> members and registers it as <c>sliding</c>.
/// </remarks>
[MemoryPolicy(PolicyName, Description = "System and pinned messages, then the newest turns that fit; tool calls stay with their results.")]
[KeepRecent]
public sealed partial class SlidingPolicy
{
    /// <summary>The policy's registered name.</summary>
    public const string PolicyName = "sliding";

    /// <summary>A shared instance (the policy has no state).</summary>
    public static SlidingPolicy Instance { get; } = new();

    /// <summary>The synchronous body, used directly for fallbacks: the generated pipeline has no awaits, so it completes at once.</summary>
    internal static void Build(MemoryFrame frame)
    {
        var pending = Instance.BuildAsync(frame, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }
}

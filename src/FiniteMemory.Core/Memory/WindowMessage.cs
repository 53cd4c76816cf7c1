using Microsoft.Extensions.AI;
using FiniteMemory.Stages;

namespace FiniteMemory;

/// <summary>One message of a <see cref="ContextWindow"/>.</summary>
/// <param name="Id">The transcript entry's id.</param>
/// <param name="Index">The transcript index (windows are in ascending index order), or -1 for a summary a stage placed (id <see cref="FrameSummary.Id"/>).</param>
/// <param name="Message">What the model sees: the transcript's message, or a truncated copy of it.</param>
/// <param name="Tokens">Its tokens as budgeted (calibrated).</param>
/// <param name="Truncated">Whether <paramref name="Message"/> is a shortened copy with a visible marker.</param>
/// <param name="Reason">Why it was kept.</param>
public readonly record struct WindowMessage(string Id, int Index, ChatMessage Message, int Tokens, bool Truncated, KeepReason Reason)
{
    /// <summary>The message's role.</summary>
    public ChatRole Role => Message.Role;
}

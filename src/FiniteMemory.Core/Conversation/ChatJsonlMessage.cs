using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>A message read by <see cref="ChatJsonl"/>.</summary>
/// <param name="Id">Its id (the line's <c>id</c>, or its line number).</param>
/// <param name="Message">The message.</param>
/// <param name="Pinned">Whether the line asked to pin it.</param>
/// <param name="Line">The 1-based line number it came from.</param>
public sealed record ChatJsonlMessage(string Id, ChatMessage Message, bool Pinned, int Line);

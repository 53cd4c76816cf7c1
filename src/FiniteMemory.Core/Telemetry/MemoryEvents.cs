using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>A chat turn begins.</summary>
/// <param name="Turn">The turn number.</param>
/// <param name="Messages">Messages in the conversation, the new user message included.</param>
public sealed record ChatStartEvent(int Turn, int Messages);

/// <summary>A chat turn ended.</summary>
/// <param name="Turn">The turn number.</param>
/// <param name="Outcome">Whether it completed, failed or was cancelled.</param>
/// <param name="Response">The response when it completed (streamed responses are assembled).</param>
/// <param name="Duration">Wall time of the whole turn.</param>
public sealed record ChatCompleteEvent(int Turn, ChatOutcome Outcome, ChatResponse? Response, TimeSpan Duration);

/// <summary>A window was built.</summary>
/// <param name="Report">What was kept, left out and why.</param>
/// <param name="Stats">The build's numbers.</param>
public sealed record PolicyExecutedEvent(ReductionReport Report, TurnStats Stats);

/// <summary>What a provider reported about its prompt cache for one call.</summary>
/// <param name="Turn">The turn number.</param>
/// <param name="CachedInputTokens">Input tokens served from the cache.</param>
/// <param name="InputTokens">All input tokens of the call, if reported.</param>
public sealed record CacheEvent(int Turn, long CachedInputTokens, long? InputTokens);

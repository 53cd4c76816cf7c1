using System.Net;

namespace FiniteMemory.Http;

/// <summary>One retry the resilient handler is about to make.</summary>
/// <param name="Provider">The provider's display name.</param>
/// <param name="Attempt">The number of the attempt that failed (1 for the first).</param>
/// <param name="Delay">How long the handler waits before the next attempt.</param>
/// <param name="StatusCode">The failed attempt's status, or null when it got no response (connection failure, timeout).</param>
/// <param name="Exception">The failed attempt's exception, or null when it got a response.</param>
/// <param name="FromRetryAfter">Whether <paramref name="Delay"/> came from the provider's <c>Retry-After</c> / <c>retry-after-ms</c>.</param>
public sealed record RetryAttempt(string Provider, int Attempt, TimeSpan Delay, HttpStatusCode? StatusCode, Exception? Exception, bool FromRetryAfter);

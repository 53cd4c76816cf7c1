namespace FiniteMemory.Http.AI21;

/// <summary>
/// Options of the <c>ai21</c> backend: the common ones (<see cref="HostedChatClientOptions"/>: model, endpoint,
/// key from <c>AI21_API_KEY</c>, timeout, <c>max-retries</c>, <c>retry-delay</c>, <c>max-retry-delay</c>).
/// </summary>
public sealed class AI21ChatClientOptions : HostedChatClientOptions
{
    /// <summary>The public endpoint; requests go to <c>{endpoint}/studio/v1/chat/completions</c>.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.ai21.com");
}

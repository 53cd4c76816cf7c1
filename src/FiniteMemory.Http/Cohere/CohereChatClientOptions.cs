namespace FiniteMemory.Http.Cohere;

/// <summary>Options of the <c>cohere</c> backend: the common ones (<see cref="HostedChatClientOptions"/>).</summary>
public sealed class CohereChatClientOptions : HostedChatClientOptions
{
    /// <summary>The public endpoint.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.cohere.com");
}

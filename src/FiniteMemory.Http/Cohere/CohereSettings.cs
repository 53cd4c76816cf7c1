namespace FiniteMemory.Http.Cohere;

/// <summary>Settings of the <c>cohere</c> backend: the common ones (<see cref="HostedBackendSettings"/>).</summary>
public sealed class CohereSettings : HostedBackendSettings
{
    /// <summary>The public endpoint.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.cohere.com");
}

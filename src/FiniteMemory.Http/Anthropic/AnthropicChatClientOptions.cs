namespace FiniteMemory.Http.Anthropic;

/// <summary>
/// Options of the <c>anthropic</c> backend. Beyond the common ones (<see cref="HostedChatClientOptions"/>):
/// options <c>max-tokens</c> and <c>anthropic-version</c>.
/// </summary>
public sealed class AnthropicChatClientOptions : HostedChatClientOptions
{
    /// <summary>The public endpoint.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.anthropic.com");

    /// <summary>Option <c>max-tokens</c>: the reply's token limit when <c>ChatOptions.MaxOutputTokens</c> is not set (the API requires one). Default 1024.</summary>
    public int MaxTokens { get; set; } = 1024;

    /// <summary>Option <c>anthropic-version</c>: the API version header. Default <c>2023-06-01</c>.</summary>
    public string AnthropicVersion { get; set; } = "2023-06-01";
}

namespace FiniteMemory.Http.Gemini;

/// <summary>Options of the <c>gemini</c> backend: the common ones (<see cref="HostedChatClientOptions"/>) and option <c>api-version</c>.</summary>
public sealed class GeminiChatClientOptions : HostedChatClientOptions
{
    /// <summary>The public endpoint.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://generativelanguage.googleapis.com");

    /// <summary>Option <c>api-version</c>: the path segment before <c>/models</c>. Default <c>v1beta</c>.</summary>
    public string ApiVersion { get; set; } = "v1beta";
}

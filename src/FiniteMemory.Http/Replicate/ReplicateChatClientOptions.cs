namespace FiniteMemory.Http.Replicate;

/// <summary>
/// Options of the <c>replicate</c> backend: the common ones (<see cref="HostedChatClientOptions"/>: model
/// <c>owner/name[:version]</c>, endpoint, token from <c>REPLICATE_API_TOKEN</c>, timeout of one HTTP attempt,
/// <c>max-retries</c>, <c>retry-delay</c>, <c>max-retry-delay</c>), the prompt format, and how a prediction is waited for.
/// </summary>
public sealed class ReplicateChatClientOptions : HostedChatClientOptions
{
    /// <summary>The public endpoint.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.replicate.com");

    /// <summary>How the conversation is written as a prompt: <c>Llama3</c> (default), <c>ChatML</c> or <c>Plain</c>.</summary>
    public ReplicatePromptFormat PromptFormat { get; set; } = ReplicatePromptFormat.Llama3;

    /// <summary>Replaces the format's message template (placeholders <c>{role}</c> and <c>{content}</c>).</summary>
    public string? MessageTemplate { get; set; }

    /// <summary>Replaces the format's text after the last message, which opens the assistant's turn.</summary>
    public string? GenerationPrompt { get; set; }

    /// <summary>Replaces the <c>prompt_template</c> input the format sends (<c>{system_prompt}</c>, <c>{prompt}</c>); empty sends none.</summary>
    public string? ModelPromptTemplate { get; set; }

    /// <summary>
    /// Seconds (1–60) the create call asks Replicate to hold the response until the prediction finishes
    /// (<c>Prefer: wait=N</c>), saving polls for quick predictions; unset polls from the start. Not used when streaming.
    /// </summary>
    public int? Wait { get; set; }

    /// <summary>The first wait between polls (default 0.5 s); each further wait is 1.5 times longer, up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The longest wait between polls (default 5 s).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a prediction may take from creation to its end, cold boot included, before it is canceled (default 10 min).</summary>
    public TimeSpan PredictionTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After a stream's <c>done</c> event, read the prediction once more for its token counts (default true).</summary>
    public bool StreamUsage { get; set; } = true;
}

namespace FiniteMemory.Http.AI21;

/// <summary>Settings of the <c>ai21</c> backend (bound from <see cref="FiniteMemory.Backends.BackendSettings"/> by the generated binder).</summary>
public sealed class AI21Settings
{
    /// <summary>The Jamba model, for example <c>jamba-large</c> or <c>jamba-mini</c>. Required (a request's <c>ChatOptions.ModelId</c> overrides it).</summary>
    public string? Model { get; set; }

    /// <summary>The API's base address; default <c>https://api.ai21.com</c> (requests go to <c>{endpoint}/studio/v1/chat/completions</c>).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key; default the <c>AI21_API_KEY</c> environment variable.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one attempt may wait for the response headers (default 100 s).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>How often a transient failure (429, 5xx, connection reset, timeout) is retried (default 3).</summary>
    public int? MaxRetries { get; set; }
}

using FiniteMemory.Backends;

namespace FiniteMemory.Http;

/// <summary>
/// The options every hosted chat client (<see cref="HostedChatClient"/>) shares. The generated binder fills <see cref="Model"/>,
/// <see cref="Endpoint"/>, <see cref="ApiKey"/> and <see cref="Timeout"/> from <see cref="BackendSettings"/>,
/// and the other properties (here and in a provider's subclass) from its options by name
/// (<c>max-retries</c>, <c>retry-delay</c> …).
/// </summary>
public abstract class HostedChatClientOptions
{
    /// <summary>The model to use (required).</summary>
    public string? Model { get; set; }

    /// <summary>The API's base address; the provider's public endpoint when null.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key; the provider's environment variable when null. Never shown by <see cref="ToString"/> (nor the endpoint's user info or query).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one attempt may wait for the response (headers, or the whole body when not streaming). Default 100 s.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Option <c>max-retries</c>: retries of a transient failure (429, 5xx, connection, timeout). Default 3.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>Option <c>retry-delay</c>: the wait before the first retry, doubled for each further one. Default 1 s.</summary>
    public TimeSpan? RetryDelay { get; set; }

    /// <summary>Option <c>max-retry-delay</c>: the longest wait between attempts, also the cap on Retry-After. Default 30 s.</summary>
    public TimeSpan? MaxRetryDelay { get; set; }

    /// <summary>
    /// Option <c>max-response-bytes</c>: the most bytes one answer may have (decompressed, streamed or not); past it
    /// the answer fails with a <see cref="BackendResponseTooLargeException"/>. Default 64 MB (128 MB for OpenAI
    /// embeddings); 1,024 to <see cref="ResilienceOptions.MaxMaxResponseBytes"/>.
    /// </summary>
    public long? MaxResponseBytes { get; set; }

    /// <summary>The resilience options these settings ask for.</summary>
    /// <param name="backend">The backend's registered name, for errors.</param>
    /// <param name="baseOptions">What the settings left unset falls back to (tests shorten the backoff); <see cref="ResilienceOptions.Default"/> when null.</param>
    /// <exception cref="BackendConfigurationException">A value is out of range; the message names the option.</exception>
    public ResilienceOptions ToResilienceOptions(string backend, ResilienceOptions? baseOptions = null)
    {
        var options = BackendHttp.Options(backend, Timeout, MaxRetries, baseOptions);
        if (RetryDelay is { } delay)
        {
            options = options with { BaseDelay = NonNegative(backend, "retry-delay", delay) };
        }

        if (MaxRetryDelay is { } max)
        {
            options = options with { MaxDelay = NonNegative(backend, "max-retry-delay", max) };
        }

        if (MaxResponseBytes is { } bytes)
        {
            options = options with
            {
                MaxResponseBytes = bytes < ResilienceOptions.MinMaxResponseBytes || bytes > ResilienceOptions.MaxMaxResponseBytes
                    ? throw new BackendConfigurationException(backend, "max-response-bytes", $"Backend '{backend}': {ResilienceOptions.ResponseBytesRange("max-response-bytes")}")
                    : bytes,
            };
        }

        return options;
    }

    /// <summary>The model, or a clear error naming the setting when none is configured.</summary>
    /// <param name="backend">The backend's registered name.</param>
    /// <param name="example">An example model name for the message.</param>
    /// <exception cref="BackendConfigurationException">No model is configured.</exception>
    public string RequireModel(string backend, string example) =>
        string.IsNullOrWhiteSpace(Model)
            ? throw new BackendConfigurationException(backend, "model", $"Backend '{backend}' needs a model: set BackendSettings.Model (fmem --model), for example {example}.")
            : Model.Trim();

    /// <inheritdoc />
    public override string ToString() =>
        $"Model={Model ?? "(none)"}, Endpoint={(Endpoint is null ? "(default)" : SecretRedactor.DisplayUrl(Endpoint))}, ApiKey={(ApiKey is null ? "(none)" : "(set)")}, Timeout={Timeout?.ToString() ?? "(default)"}";

    private static TimeSpan NonNegative(string backend, string option, TimeSpan value) =>
        value < TimeSpan.Zero || value > TimeSpan.FromDays(1)
            ? throw new BackendConfigurationException(backend, option, $"Backend '{backend}': {option} must be between 0 and 24 hours.")
            : value;
}

namespace FiniteMemory.Http;

/// <summary>Creates the <see cref="HttpClient"/> hosted backends send through.</summary>
internal static class BackendHttp
{
    /// <summary>
    /// An <see cref="HttpClient"/> whose requests go through a <see cref="ResilientHttpHandler"/>. Its own
    /// <see cref="HttpClient.Timeout"/> is infinite: the handler times each attempt, and a stream is not cut
    /// while it is still arriving.
    /// </summary>
    /// <param name="provider">The provider's display name, used in errors.</param>
    /// <param name="options">Timeouts and retries.</param>
    /// <param name="inner">The handler that sends the request; a new <see cref="SocketsHttpHandler"/> when null.</param>
    public static HttpClient CreateClient(string provider, ResilienceOptions options, HttpMessageHandler? inner = null) =>
        new(new ResilientHttpHandler(options, provider, inner), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <summary>
    /// The resilience options for a backend's common settings: <paramref name="timeout"/> becomes the
    /// per-attempt timeout and <paramref name="maxRetries"/> the retry count; null keeps the default.
    /// </summary>
    /// <exception cref="FiniteMemory.Backends.BackendConfigurationException">A value is out of range.</exception>
    public static ResilienceOptions Options(string backend, TimeSpan? timeout, int? maxRetries, ResilienceOptions? baseOptions = null)
    {
        var options = baseOptions ?? ResilienceOptions.Default;
        if (timeout is { } t)
        {
            if (t < ResilienceOptions.MinAttemptTimeout || t > ResilienceOptions.MaxAttemptTimeout)
            {
                throw new FiniteMemory.Backends.BackendConfigurationException(backend, "timeout", $"Backend '{backend}': timeout must be between 10 ms and 24 hours, such as 00:01:40 or 100 (seconds).");
            }

            options = options with { AttemptTimeout = t };
        }

        if (maxRetries is { } r)
        {
            if (r is < 0 or > 100)
            {
                throw new FiniteMemory.Backends.BackendConfigurationException(backend, "max-retries", $"Backend '{backend}': max-retries must be between 0 and 100.");
            }

            options = options with { MaxRetries = r };
        }

        return options;
    }

    /// <summary>
    /// <paramref name="path"/> under <paramref name="endpoint"/>, keeping the endpoint's own path
    /// (<c>https://proxy/anthropic</c> + <c>v1/messages</c> → <c>https://proxy/anthropic/v1/messages</c>).
    /// </summary>
    public static Uri Combine(Uri endpoint, string path)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(path);
        var text = endpoint.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), path.TrimStart('/'));
    }
}

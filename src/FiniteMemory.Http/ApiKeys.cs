using FiniteMemory.Backends;

namespace FiniteMemory.Http;

/// <summary>Finds a backend's API key: the configured one, else the provider's usual environment variables in order.</summary>
public static class ApiKeys
{
    // Where a configured key came from, for the error.
    private const string ConfiguredSource = "BackendSettings.ApiKey";

    /// <summary>Returns the key to use, trimmed.</summary>
    /// <param name="configured">The key from settings (<see cref="BackendSettings.ApiKey"/>), if any.</param>
    /// <param name="provider">The provider's display name, for the error.</param>
    /// <param name="environmentVariables">The variables to read, first match wins (for example <c>GEMINI_API_KEY</c>, <c>GOOGLE_API_KEY</c>).</param>
    /// <exception cref="BackendConfigurationException">
    /// No key is configured and none of the variables is set, or the key holds a character that cannot go in an HTTP
    /// header (see <see cref="Validate"/>); the message names the variable or setting, never the key.
    /// </exception>
    public static string Resolve(string? configured, string provider, params string[] environmentVariables)
    {
        ArgumentNullException.ThrowIfNull(environmentVariables);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Validate(configured, provider, ConfiguredSource);
        }

        foreach (var variable in environmentVariables)
        {
            if (Environment.GetEnvironmentVariable(variable) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return Validate(value, provider, variable);
            }
        }

        var set = environmentVariables.Length == 0 ? "pass one" : $"set {string.Join(" or ", environmentVariables)} (or pass one";
        var close = environmentVariables.Length == 0 ? " in BackendSettings.ApiKey / fmem --api-key-env." : " in BackendSettings.ApiKey / fmem --api-key-env).";
        throw new BackendConfigurationException(provider.ToLowerInvariant(), "api-key", $"No API key for {provider}: {set}{close}");
    }

    /// <summary>
    /// Returns <paramref name="key"/> trimmed, after checking that it can travel in an HTTP header: a line break
    /// inside it would end the header and start another one of the server's choosing, so a key with a control
    /// character (or a character outside ASCII, which no provider issues and HTTP headers cannot carry) is refused
    /// before any request is made.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="provider">The provider's display name, for the error.</param>
    /// <param name="source">Where the key came from (an environment variable, or <c>BackendSettings.ApiKey</c>), named in the error.</param>
    /// <exception cref="BackendConfigurationException">The key holds such a character; the message names <paramref name="source"/>, never the key.</exception>
    public static string Validate(string key, string provider, string source)
    {
        ArgumentNullException.ThrowIfNull(key);
        var trimmed = key.Trim();
        foreach (var c in trimmed)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                throw Refused(provider, source, "a line break or another control character inside it, which would let the key end its header and start another");
            }

            if (!char.IsAscii(c))
            {
                throw Refused(provider, source, "a character outside ASCII (API keys are ASCII; look for a typographic dash or a non-breaking space pasted with it)");
            }
        }

        return trimmed;
    }

    private static BackendConfigurationException Refused(string provider, string source, string problem) =>
        new(provider.ToLowerInvariant(), "api-key", $"The API key for {provider} in {source} has {problem}. It was not used and no request was sent: set {source} to the key alone, on one line.");
}

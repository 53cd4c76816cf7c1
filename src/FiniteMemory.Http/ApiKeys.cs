using FiniteMemory.Backends;

namespace FiniteMemory.Http;

/// <summary>Finds a backend's API key: the configured one, else the provider's usual environment variables in order.</summary>
public static class ApiKeys
{
    /// <summary>Returns the key to use.</summary>
    /// <param name="configured">The key from settings (<see cref="BackendSettings.ApiKey"/>), if any.</param>
    /// <param name="provider">The provider's display name, for the error.</param>
    /// <param name="environmentVariables">The variables to read, first match wins (for example <c>GEMINI_API_KEY</c>, <c>GOOGLE_API_KEY</c>).</param>
    /// <exception cref="BackendConfigurationException">No key is configured and none of the variables is set; the message names them.</exception>
    public static string Resolve(string? configured, string provider, params string[] environmentVariables)
    {
        ArgumentNullException.ThrowIfNull(environmentVariables);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }

        foreach (var variable in environmentVariables)
        {
            if (Environment.GetEnvironmentVariable(variable) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        var set = environmentVariables.Length == 0 ? "pass one" : $"set {string.Join(" or ", environmentVariables)} (or pass one";
        var close = environmentVariables.Length == 0 ? " in BackendSettings.ApiKey / fmem --api-key-env." : " in BackendSettings.ApiKey / fmem --api-key-env).";
        throw new BackendConfigurationException(provider.ToLowerInvariant(), "api-key", $"No API key for {provider}: {set}{close}");
    }
}

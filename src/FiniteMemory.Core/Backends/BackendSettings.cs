using System.Collections.Frozen;

namespace FiniteMemory.Backends;

/// <summary>
/// What configuration says about a backend: the common settings, plus backend-specific options as text that
/// the generated binder parses into the factory's own settings class.
/// </summary>
/// <remarks><see cref="ToString"/> never shows the API key, nor the endpoint's user info (<c>user:password@</c>) or query.</remarks>
public sealed class BackendSettings
{
    /// <summary>The model to use.</summary>
    public string? Model { get; init; }

    /// <summary>The server's base address (for OpenAI-compatible servers and self-hosted models).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The API key. Never logged, checkpointed or put in an exception message.</summary>
    public string? ApiKey { get; init; }

    /// <summary>How long one request may take.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Backend-specific options by name (case-insensitive), as text.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <inheritdoc />
    public override string ToString() =>
        $"Model={Model ?? "(none)"}, Endpoint={Shown(Endpoint)}, ApiKey={(ApiKey is null ? "(none)" : "(set)")}, Timeout={Timeout?.ToString() ?? "(default)"}, Options=[{string.Join(", ", Options.Keys)}]";

    private static string Shown(Uri? endpoint) => endpoint switch
    {
        null => "(default)",
        { IsAbsoluteUri: true } => endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped),
        _ => "(relative)",
    };
}

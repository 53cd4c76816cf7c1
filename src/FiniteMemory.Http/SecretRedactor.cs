namespace FiniteMemory.Http;

/// <summary>
/// Scrubs secrets (API keys) from text that came from a provider or a transport before it goes into an
/// exception message, a log or telemetry: providers sometimes echo part of a bad key back.
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "[redacted]";

    // Shorter strings would scrub ordinary words; no real key is this short.
    private const int MinimumSecretLength = 6;

    private readonly string[] _secrets;

    /// <summary>Creates a redactor for the given secrets (null, empty and very short ones are ignored).</summary>
    public SecretRedactor(params IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets
            .Where(s => s is { Length: >= MinimumSecretLength })
            .Select(s => s!.Trim())
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)];
    }

    /// <summary>A redactor that knows no secret.</summary>
    public static SecretRedactor None { get; } = new();

    /// <summary>Returns <paramref name="text"/> with every secret replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}

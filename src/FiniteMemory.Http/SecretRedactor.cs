using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FiniteMemory.Http;

/// <summary>
/// Scrubs secrets (API keys) from text that came from a provider or a transport before it goes into an
/// exception message, a log or telemetry: providers sometimes echo a bad key back, whole, in another case,
/// or cut off where they shorten their message.
/// </summary>
/// <remarks>
/// Any piece of a secret at least <see cref="MinimumFragmentLength"/> characters long (the whole secret when it is
/// shorter) is masked, compared case-insensitively: a key cut at a message boundary, or upper-cased by a proxy,
/// leaves at most a few characters that say nothing about the rest.
/// </remarks>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "[redacted]";

    /// <summary>The shortest piece of a longer secret that is masked wherever it appears.</summary>
    public const int MinimumFragmentLength = 8;

    // Shorter strings would scrub ordinary words; no real key is this short.
    private const int MinimumSecretLength = 6;

    // Query parameters and headers whose values are credentials (Gemini's ?key=, Azure's api-key, SAS signatures).
    private static readonly string[] CredentialNameParts = ["key", "token", "secret", "auth", "sig", "password"];

    private readonly string[] _secrets;

    /// <summary>Creates a redactor for the given secrets (null, empty and very short ones are ignored).</summary>
    public SecretRedactor(params IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets
            .Select(s => s?.Trim())
            .Where(s => s is { Length: >= MinimumSecretLength })
            .Select(s => s!.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>A redactor that knows no secret.</summary>
    public static SecretRedactor None { get; } = new();

    /// <summary>
    /// An address as it may appear in a message: scheme, host, port and path; never the user info
    /// (<c>user:password@</c>), the query (which may carry a key, as <c>?key=</c> does) or the fragment.
    /// </summary>
    public static string DisplayUrl(Uri? uri)
    {
        if (uri is null)
        {
            return "(no address)";
        }

        return uri.IsAbsoluteUri
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            : "(a relative address)";
    }

    /// <summary>Returns <paramref name="text"/> with every secret, and every long enough piece of one, replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var covered = Cover(text);
        if (covered is null)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!covered[i])
            {
                result.Append(text[i]);
            }
            else if (i == 0 || !covered[i - 1])
            {
                result.Append(Mask);
            }
        }

        return result.ToString();
    }

    /// <summary>Whether <paramref name="text"/> holds a secret or a long enough piece of one.</summary>
    public bool Reveals(string? text) => !string.IsNullOrEmpty(text) && Cover(text) is not null;

    /// <summary>
    /// A redactor for the credentials a request carries: its <c>Authorization</c> parameter, the values of headers
    /// and query parameters named like a key or token, and the password of its address. Used where the key itself
    /// is not known (the shared transport).
    /// </summary>
    internal static SecretRedactor ForRequest(HttpRequestMessage request)
    {
        var secrets = new List<string?>();
        if (request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            secrets.Add(Uri.UnescapeDataString(uri.UserInfo));
            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && IsCredentialName(pair[..equals]))
                {
                    secrets.Add(Uri.UnescapeDataString(pair[(equals + 1)..]));
                }
            }
        }

        secrets.Add(request.Headers.Authorization?.Parameter);
        foreach (var header in request.Headers.NonValidated)
        {
            if (IsCredentialName(header.Key))
            {
                foreach (var value in header.Value)
                {
                    secrets.Add(value);
                    secrets.Add(AuthenticationHeaderValue.TryParse(value, out var parsed) ? parsed.Parameter : null);
                }
            }
        }

        return new SecretRedactor(secrets);
    }

    /// <summary>
    /// <paramref name="exception"/> itself when neither it nor its inner exceptions reveal a secret; otherwise a
    /// stand-in of the same kind (HTTP error, I/O error, JSON error) whose message is redacted, so that an
    /// exception's <see cref="Exception.ToString"/> in a log never carries a key.
    /// </summary>
    public Exception? Clean(Exception? exception)
    {
        if (exception is null || !Reveals(exception.ToString()))
        {
            return exception;
        }

        var message = Redact(exception.Message);
        return exception switch
        {
            HttpRequestException http => new HttpRequestException(http.HttpRequestError, message, null, http.StatusCode),
            HttpIOException io => new HttpIOException(io.HttpRequestError, message),
            JsonException json => new JsonException(message, Redact(json.Path), json.LineNumber, json.BytePositionInLine),
            IOException => new IOException(message),
            _ => new InvalidOperationException($"{exception.GetType().Name}: {message}"),
        };
    }

    private static bool IsCredentialName(string name)
    {
        foreach (var part in CredentialNameParts)
        {
            if (name.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Which characters of text belong to a piece of a secret long enough to mask; null when none does. For each
    // position, the longest piece of a secret ending there is the longest common suffix of the text and a prefix
    // of the secret, found by the classic longest-common-substring recurrence in O(text × secret).
    private bool[]? Cover(string text)
    {
        bool[]? covered = null;
        string? lower = null;
        foreach (var secret in _secrets)
        {
            lower ??= text.ToLowerInvariant();
            var minimum = Math.Min(MinimumFragmentLength, secret.Length);
            var run = new int[secret.Length + 1];
            for (var i = 0; i < lower.Length; i++)
            {
                var longest = 0;
                for (var j = secret.Length; j >= 1; j--)
                {
                    run[j] = lower[i] == secret[j - 1] ? run[j - 1] + 1 : 0;
                    longest = Math.Max(longest, run[j]);
                }

                if (longest >= minimum)
                {
                    covered ??= new bool[text.Length];
                    covered.AsSpan(i - longest + 1, longest).Fill(true);
                }
            }
        }

        return covered;
    }
}

using System.ClientModel;
using System.ClientModel.Primitives;
using FiniteMemory.Backends;
using FiniteMemory.Http;
using OpenAI;

namespace FiniteMemory.OpenAI;

/// <summary>
/// One configured connection to an OpenAI-compatible server: its preset, the SDK client on FiniteMemory's
/// shared resilient transport (the SDK's own retries off, so retries are not doubled), and the resilience in effect.
/// </summary>
internal sealed class OpenAIConnection
{
    private OpenAIConnection(OpenAIPreset preset, Uri endpoint, string? key, OpenAIClient client, HttpClient http, ResilienceOptions resilience)
    {
        Preset = preset;
        Endpoint = endpoint;
        Redactor = new SecretRedactor(key);
        Client = client;
        Http = http;
        Resilience = resilience;
    }

    public OpenAIPreset Preset { get; }

    /// <summary>The server's base address in use.</summary>
    public Uri Endpoint { get; }

    /// <summary>Scrubs the key from what the server says (servers echo a wrong key back; an exception must never carry it).</summary>
    public SecretRedactor Redactor { get; }

    public OpenAIClient Client { get; }

    /// <summary>The resilient HTTP client under the SDK; whoever keeps the connection disposes it.</summary>
    public HttpClient Http { get; }

    public ResilienceOptions Resilience { get; }

    /// <summary>
    /// The longest a request may take before its response starts: every attempt timing out, with the longest
    /// waits between them. Infinite when attempts are not timed.
    /// </summary>
    public TimeSpan StartTimeout => Resilience.AttemptTimeout == Timeout.InfiniteTimeSpan
        ? Timeout.InfiniteTimeSpan
        : (Resilience.AttemptTimeout * (Resilience.MaxRetries + 1)) + (Resilience.MaxDelay * Resilience.MaxRetries);

    /// <summary>Resolves the preset, endpoint and key of <paramref name="settings"/> and opens the client.</summary>
    /// <param name="settings">What configuration says.</param>
    /// <param name="fixedPreset">The preset a preset-named backend stands for; null for <c>openai</c>, whose <c>preset</c> option chooses.</param>
    /// <param name="requireModel">Whether a chat model must be set.</param>
    /// <param name="resilience">Retry and timeout defaults under the settings' own (tests shorten the backoff); the shared defaults when null.</param>
    /// <param name="inner">The handler under the resilient one (benchmarks answer from memory); a socket handler when null.</param>
    public static OpenAIConnection Open(OpenAIChatClientOptions settings, OpenAIPreset? fixedPreset, bool requireModel, ResilienceOptions? resilience = null, HttpMessageHandler? inner = null)
    {
        var preset = ResolvePreset(settings, fixedPreset);
        if (requireModel)
        {
            settings.RequireModel(preset.Name, preset.ExampleModel);
        }

        var endpoint = settings.Endpoint ?? preset.BaseUrl;
        var key = ResolveKey(settings, preset);
        resilience = settings.ToResilienceOptions(preset.Name, resilience);

        var http = BackendHttp.CreateClient(preset.Description, resilience, inner);
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            Transport = new OpenAITransport(http, sendsKey: key is not null),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // The resilient handler times each attempt and retries below the SDK: the SDK's own timeout would cut
            // through its retries, so it only bounds the whole call, generously.
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrWhiteSpace(settings.Organization))
        {
            // Sent as a header: a line break in it would start a header of its own.
            if (settings.Organization.Trim().Any(static c => char.IsControl(c) || !char.IsAscii(c)))
            {
                throw new BackendConfigurationException(preset.Name, "organization", $"Backend '{preset.Name}': the organization holds a line break, a control character or a character outside ASCII; set it to the organization id alone (org-…).");
            }

            options.OrganizationId = settings.Organization.Trim();
        }

        // The SDK insists on a credential; for a server without a key the transport drops the header it makes.
        var credential = new ApiKeyCredential(key ?? "no-key");
        return new OpenAIConnection(preset, endpoint, key, new OpenAIClient(credential, options), http, resilience);
    }

    private static OpenAIPreset ResolvePreset(OpenAIChatClientOptions settings, OpenAIPreset? fixedPreset)
    {
        if (string.IsNullOrWhiteSpace(settings.Preset))
        {
            return fixedPreset ?? OpenAIPresets.OpenAI;
        }

        var backend = fixedPreset?.Name ?? OpenAIPresets.OpenAI.Name;
        if (!OpenAIPresets.TryGet(settings.Preset, out var preset))
        {
            throw new BackendConfigurationException(backend, "preset", $"Backend '{backend}': unknown preset '{settings.Preset}'. Known presets: {string.Join(", ", OpenAIPresets.Names)}.");
        }

        if (fixedPreset is not null && preset != fixedPreset)
        {
            throw new BackendConfigurationException(backend, "preset", $"Backend '{backend}' is the '{fixedPreset.Name}' preset; to use '{preset.Name}', select backend '{preset.Name}' (or 'openai' with preset={preset.Name}).");
        }

        return preset;
    }

    // The key to send, or null to send no Authorization header.
    private static string? ResolveKey(OpenAIChatClientOptions settings, OpenAIPreset preset) => preset.Auth switch
    {
        OpenAIAuth.None => null,
        OpenAIAuth.Optional => Checked(settings.ApiKey, preset, "BackendSettings.ApiKey") ?? Checked(Environment.GetEnvironmentVariable(preset.KeyVariable!), preset, preset.KeyVariable!),
        _ => ApiKeys.Resolve(settings.ApiKey, preset.Description, preset.KeyVariable!),
    };

    // An optional key is refused like a required one when it could not travel in a header.
    private static string? Checked(string? value, OpenAIPreset preset, string source) =>
        string.IsNullOrWhiteSpace(value) ? null : ApiKeys.Validate(value, preset.Description, source);
}

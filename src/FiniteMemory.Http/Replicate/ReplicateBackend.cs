using FiniteMemory.Backends;

namespace FiniteMemory.Http.Replicate;

/// <summary>Registers the <c>replicate</c> backend.</summary>
public static class ReplicateBackend
{
    /// <summary>Creates a <see cref="ReplicateChatClient"/> from configuration.</summary>
    /// <exception cref="BackendConfigurationException">No model, a malformed one, a setting out of range, or no API token (neither set nor in <c>REPLICATE_API_TOKEN</c>).</exception>
    [Backend("replicate", Description = "Replicate language models (owner/name[:version]): prediction streamed or polled; token from REPLICATE_API_TOKEN.")]
    public static ReplicateChatClient Create(ReplicateSettings settings) => new(settings);
}

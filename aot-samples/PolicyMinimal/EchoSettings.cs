namespace PolicyMinimal;

/// <summary>
/// The echo backend's settings. The generated binder fills them from <see cref="FiniteMemory.Backends.BackendSettings"/>:
/// <see cref="Model"/> from its <c>Model</c>, every other settable property from its <c>Options</c> by name
/// (case-insensitive, <c>-</c> and <c>_</c> ignored). An option this class does not have is an error.
/// </summary>
internal sealed class EchoSettings
{
    /// <summary>The model name the answers report.</summary>
    public string Model { get; set; } = "echo-1";

    /// <summary>Option <c>persona</c>: the name the answers are signed with.</summary>
    public string Persona { get; set; } = "echo";

    /// <summary>Option <c>quote-chars</c>: at most this many characters of a remembered message are quoted.</summary>
    public int QuoteChars { get; set; } = 120;
}

namespace AotPolicy;

/// <summary>
/// The <c>desk</c> backend's settings. The generated binder fills <see cref="Model"/> and <see cref="Endpoint"/> from
/// <see cref="FiniteMemory.Backends.BackendSettings"/> and the rest from its options by name (<c>persona</c>,
/// <c>quote-chars</c>), with no reflection.
/// </summary>
internal sealed class DeskSettings
{
    /// <summary>The model name sent with each request.</summary>
    public string Model { get; set; } = "desk-1";

    /// <summary>The desk server's address (required).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Option <c>persona</c>: the name the answers are signed with.</summary>
    public string Persona { get; set; } = "desk";

    /// <summary>Option <c>quote-chars</c>: the server quotes at most this many characters of a remembered message.</summary>
    public int QuoteChars { get; set; } = 120;
}

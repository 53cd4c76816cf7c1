namespace FiniteMemory;

/// <summary>
/// The fixed token costs a chat API adds around message contents. Defaults follow OpenAI's published
/// accounting for chat models (3 per message, 1 per author name, 3 to prime the reply); tool-call framing
/// is not published, so it is an estimate that usage calibration corrects.
/// </summary>
public sealed record MessageFraming
{
    /// <summary>OpenAI-style framing, the default for every preset.</summary>
    public static MessageFraming OpenAI { get; } = new();

    /// <summary>Tokens around every message (start marker, role separator, end marker).</summary>
    public int PerMessage { get; init; } = 3;

    /// <summary>Extra tokens when a message carries an author name.</summary>
    public int PerName { get; init; } = 1;

    /// <summary>Tokens that prime the model's reply, paid once per request.</summary>
    public int PerRequest { get; init; } = 3;

    /// <summary>Tokens around each function call (call id, type and the name/arguments structure).</summary>
    public int PerToolCall { get; init; } = 3;

    /// <summary>Tokens charged for an image or other binary content (OpenAI's low-detail image cost).</summary>
    public int PerBinaryContent { get; init; } = 85;
}

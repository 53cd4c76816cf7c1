namespace FiniteMemory.OpenAI;

/// <summary>How an OpenAI-compatible server expects to be authenticated.</summary>
public enum OpenAIAuth
{
    /// <summary>A bearer key is required: without one the backend refuses to start, naming the variable to set.</summary>
    Required,

    /// <summary>A bearer key is sent when one is configured or found in the preset's variable; otherwise no Authorization header.</summary>
    Optional,

    /// <summary>The server takes no key: no Authorization header is ever sent, even if a key is configured.</summary>
    None,
}

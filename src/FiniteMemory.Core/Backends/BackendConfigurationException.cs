namespace FiniteMemory.Backends;

/// <summary>
/// A backend's settings are wrong: an option it does not know, or a value that does not parse as the
/// option's type. The message names the backend, the option and the fix; it never contains the value, which
/// may be a secret.
/// </summary>
public sealed class BackendConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackendConfigurationException(string backend, string option, string message)
        : base(message)
    {
        Backend = backend;
        Option = option;
    }

    /// <summary>Creates the exception.</summary>
    public BackendConfigurationException()
        : this(string.Empty, string.Empty, "The backend's settings are invalid.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendConfigurationException(string message)
        : this(string.Empty, string.Empty, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackendConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Backend = string.Empty;
        Option = string.Empty;
    }

    /// <summary>The backend's name.</summary>
    public string Backend { get; } = string.Empty;

    /// <summary>The option at fault.</summary>
    public string Option { get; } = string.Empty;
}

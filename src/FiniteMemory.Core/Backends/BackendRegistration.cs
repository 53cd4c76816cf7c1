using Microsoft.Extensions.AI;

namespace FiniteMemory.Backends;

/// <summary>A chat backend registered by name. The source generator creates one for every <see cref="BackendAttribute"/> factory.</summary>
public sealed class BackendRegistration
{
    private readonly Func<BackendSettings, IChatClient> _factory;

    /// <summary>Creates a registration (normally done by generated code).</summary>
    /// <param name="name">The backend's name.</param>
    /// <param name="description">One line saying what it talks to.</param>
    /// <param name="options">The option names its settings accept beyond the common ones.</param>
    /// <param name="assembly">The assembly that declares it.</param>
    /// <param name="factory">Binds the settings and creates the client.</param>
    public BackendRegistration(string name, string description, IReadOnlyList<string> options, string assembly, Func<BackendSettings, IChatClient> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        Name = name;
        Description = description ?? string.Empty;
        Options = options;
        Assembly = assembly ?? string.Empty;
        _factory = factory;
    }

    /// <summary>The name configuration selects the backend by.</summary>
    public string Name { get; }

    /// <summary>One line saying what the backend talks to.</summary>
    public string Description { get; }

    /// <summary>The names of the backend-specific options its settings accept.</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>The simple name of the assembly that declares the backend.</summary>
    public string Assembly { get; }

    /// <summary>Binds <paramref name="settings"/> and creates the client.</summary>
    /// <exception cref="BackendConfigurationException">A setting is unknown or does not parse.</exception>
    public IChatClient Create(BackendSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _factory(settings);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

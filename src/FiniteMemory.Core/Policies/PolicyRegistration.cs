namespace FiniteMemory.Policies;

/// <summary>
/// A policy registered by name: what <c>fmem policies</c> lists and what <see cref="MemoryPolicies.Create(string)"/>
/// instantiates. The source generator creates one for every <see cref="MemoryPolicyAttribute"/> class.
/// </summary>
public sealed class PolicyRegistration
{
    private readonly Func<IMemoryPolicy> _factory;

    /// <summary>Creates a registration (normally done by generated code).</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="description">One line saying what it keeps.</param>
    /// <param name="budget">The budget it is designed for, or 0 when it has none.</param>
    /// <param name="stages">Its stages in the order they run, as declared (e.g. <c>KeepRecent(MaxTurns = 4)</c>).</param>
    /// <param name="assembly">The assembly that declares it.</param>
    /// <param name="factory">Creates a new instance.</param>
    public PolicyRegistration(string name, string description, int budget, IReadOnlyList<string> stages, string assembly, Func<IMemoryPolicy> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        Name = name;
        Description = description ?? string.Empty;
        Budget = budget == 0 ? null : budget;
        Stages = stages;
        Assembly = assembly ?? string.Empty;
        _factory = factory;
    }

    /// <summary>The name configuration selects the policy by.</summary>
    public string Name { get; }

    /// <summary>One line saying what the policy keeps.</summary>
    public string Description { get; }

    /// <summary>The token budget the policy is designed for, or null when the caller must choose one.</summary>
    public int? Budget { get; }

    /// <summary>The policy's stages in the order they run (the engine's own pinning and ordering excluded).</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>The simple name of the assembly that declares the policy.</summary>
    public string Assembly { get; }

    /// <summary>Creates a new instance of the policy.</summary>
    public IMemoryPolicy Create() => _factory();

    /// <inheritdoc />
    public override string ToString() => Name;
}

using System.Diagnostics.CodeAnalysis;

namespace FiniteMemory.Policies;

/// <summary>The built-in policies by name.</summary>
public static class MemoryPolicies
{
    private static readonly IMemoryPolicy[] BuiltIn = [SlidingPolicy.Instance];

    /// <summary>The names of the built-in policies.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. BuiltIn.Select(p => p.Name)];

    /// <summary>The built-in policies.</summary>
    public static IReadOnlyList<IMemoryPolicy> All => BuiltIn;

    /// <summary>Finds a policy by name (case-insensitive).</summary>
    public static bool TryGet([NotNullWhen(true)] string? name, [NotNullWhen(true)] out IMemoryPolicy? policy)
    {
        policy = BuiltIn.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return policy is not null;
    }

    /// <summary>Finds a policy by name.</summary>
    /// <exception cref="ArgumentException">No policy has that name; the message lists the known ones.</exception>
    public static IMemoryPolicy Get(string name) =>
        TryGet(name, out var policy)
            ? policy
            : throw new ArgumentException($"Unknown policy '{name}'. Known policies: {string.Join(", ", Names)}.", nameof(name));
}

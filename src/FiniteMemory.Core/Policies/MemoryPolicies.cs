using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace FiniteMemory.Policies;

/// <summary>
/// Every memory policy registered by name: the built-in ones declared in FiniteMemory.Core and those of any
/// assembly whose <see cref="MemoryPolicyAttribute"/> declarations the source generator compiled.
/// </summary>
/// <remarks>
/// Each assembly's generated registry registers its policies from a module initializer, which runs when the
/// assembly is first used; the registry generated in an application also registers, from its own module
/// initializer, the registries of every assembly it references that has one, so a policy declared in a
/// class library is listed before the application touches that library. Nothing is found by scanning or
/// reflection. Names are compared case-insensitively; when two assemblies declare the same name, asking
/// for it is an error naming both (rename one of them).
/// </remarks>
public static class MemoryPolicies
{
    private static readonly Lock Gate = new();
    private static Registry<PolicyRegistration> s_registry = Registry<PolicyRegistration>.Empty;

    /// <summary>The registered policy names, built-in ones first.</summary>
    public static IReadOnlyList<string> Names => s_registry.Names;

    /// <summary>The registered policies, built-in ones first.</summary>
    public static IReadOnlyList<PolicyRegistration> All => s_registry.Items;

    /// <summary>Registers a policy. Called by generated registries; registering the same name from the same assembly again does nothing.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(PolicyRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (Gate)
        {
            s_registry = s_registry.Add(registration, registration.Name, registration.Assembly);
        }
    }

    /// <summary>Finds a registered policy by name (case-insensitive, surrounding spaces ignored).</summary>
    /// <exception cref="InvalidOperationException">Two assemblies declare a policy of that name.</exception>
    public static bool TryGet([NotNullWhen(true)] string? name, [NotNullWhen(true)] out PolicyRegistration? registration) =>
        s_registry.TryGet(name, "policy", out registration);

    /// <summary>Creates a new instance of the policy registered under <paramref name="name"/>, if there is one.</summary>
    /// <exception cref="InvalidOperationException">Two assemblies declare a policy of that name.</exception>
    public static bool TryCreate([NotNullWhen(true)] string? name, [NotNullWhen(true)] out IMemoryPolicy? policy)
    {
        policy = TryGet(name, out var registration) ? registration.Create() : null;
        return policy is not null;
    }

    /// <summary>Creates a new instance of the policy registered under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No policy has that name; the message lists the known ones.</exception>
    /// <exception cref="InvalidOperationException">Two assemblies declare a policy of that name.</exception>
    public static IMemoryPolicy Create(string name) =>
        TryCreate(name, out var policy)
            ? policy
            : throw new ArgumentException(UnknownMessage(name), nameof(name));

    /// <summary>The error message for an unknown name: names it and lists the known ones.</summary>
    public static string UnknownMessage(string? name) =>
        $"Unknown policy '{name}'. Known policies: {string.Join(", ", Names)}. Declare a policy with [MemoryPolicy(\"{name}\")] on a partial class, or use one of the known names.";
}

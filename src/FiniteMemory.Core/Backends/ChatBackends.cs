using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Backends;

/// <summary>
/// Every chat backend registered by name through <see cref="BackendAttribute"/>. Registration works as for
/// <see cref="MemoryPolicies"/>: generated module initializers, no scanning.
/// </summary>
public static class ChatBackends
{
    private static readonly Lock Gate = new();
    private static Registry<BackendRegistration> s_registry = Registry<BackendRegistration>.Empty;

    /// <summary>The registered backend names.</summary>
    public static IReadOnlyList<string> Names => s_registry.Names;

    /// <summary>The registered backends.</summary>
    public static IReadOnlyList<BackendRegistration> All => s_registry.Items;

    /// <summary>Registers a backend. Called by generated registries; registering the same name from the same assembly again does nothing.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(BackendRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (Gate)
        {
            s_registry = s_registry.Add(registration, registration.Name, registration.Assembly);
        }
    }

    /// <summary>Finds a registered backend by name (case-insensitive).</summary>
    /// <exception cref="InvalidOperationException">Two assemblies declare a backend of that name.</exception>
    public static bool TryGet([NotNullWhen(true)] string? name, [NotNullWhen(true)] out BackendRegistration? registration) =>
        s_registry.TryGet(name, "backend", out registration);

    /// <summary>Creates the backend registered under <paramref name="name"/> from <paramref name="settings"/>.</summary>
    /// <exception cref="ArgumentException">No backend has that name; the message lists the known ones.</exception>
    /// <exception cref="BackendConfigurationException">A setting is unknown or does not parse.</exception>
    public static IChatClient Create(string name, BackendSettings settings) =>
        TryGet(name, out var registration)
            ? registration.Create(settings)
            : throw new ArgumentException(UnknownMessage(name), nameof(name));

    /// <summary>The error message for an unknown name: names it and lists the known ones.</summary>
    public static string UnknownMessage(string? name) =>
        Names.Count == 0
            ? $"Unknown backend '{name}': no backend is registered. Reference a backend package or declare one with [Backend(\"{name}\")] on a static factory method."
            : $"Unknown backend '{name}'. Known backends: {string.Join(", ", Names)}.";
}

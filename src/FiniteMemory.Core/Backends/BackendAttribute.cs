namespace FiniteMemory.Backends;

/// <summary>
/// Registers a chat backend by name: the FiniteMemory source generator finds the static factory method it
/// marks and adds it to the assembly's generated registry, so <see cref="ChatBackends.Create"/> can build it
/// from configuration without reflection.
/// </summary>
/// <remarks>
/// The factory is <c>static</c>, returns <see cref="Microsoft.Extensions.AI.IChatClient"/> (or a type that
/// implements it) and takes no parameter, a <see cref="BackendSettings"/>, or a settings class of your own
/// with a parameterless constructor. For your own class the generator writes the binding: the settable
/// public properties named <c>Model</c>, <c>Endpoint</c>, <c>ApiKey</c> and <c>Timeout</c> get those settings,
/// and every other settable property of a supported type (string, bool, int, long, double, decimal, Uri,
/// TimeSpan, an enum, or a nullable of these) is read from <see cref="BackendSettings.Options"/> by its name
/// (case-insensitive; <c>-</c> and <c>_</c> ignored, so <c>max-tokens</c> sets <c>MaxTokens</c>).
/// </remarks>
/// <param name="name">The backend's name: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BackendAttribute(string name) : Attribute
{
    /// <summary>The backend's registered name.</summary>
    public string Name { get; } = name;

    /// <summary>One line saying what the backend talks to, for listings.</summary>
    public string? Description { get; set; }
}

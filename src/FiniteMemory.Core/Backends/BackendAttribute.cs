namespace FiniteMemory.Backends;

/// <summary>
/// Registers a chat backend by name: the FiniteMemory source generator finds the static factory method it
/// marks and adds it to the assembly's generated registry, so <see cref="ChatBackends.Create"/> can build it
/// from configuration without reflection.
/// </summary>
/// <remarks>
/// <para>
/// The factory is <c>static</c>, returns <see cref="Microsoft.Extensions.AI.IChatClient"/> (or a type that
/// implements it) and takes no parameter, a <see cref="BackendSettings"/>, or a settings class of your own
/// with a parameterless constructor. For your own class the generator writes the binding: the settable
/// public properties named <c>Model</c>, <c>Endpoint</c>, <c>ApiKey</c> and <c>Timeout</c> get those settings,
/// and every other settable property of a supported type (string, bool, int, long, double, decimal, Uri,
/// TimeSpan, an enum, or a nullable of these) is read from <see cref="BackendSettings.Options"/> by its name
/// (case-insensitive; <c>-</c> and <c>_</c> ignored, so <c>max-tokens</c> sets <c>MaxTokens</c>).
/// </para>
/// <para>
/// One factory can serve a table of backends that is data, such as the presets of one server family: leave out
/// the name and set <see cref="Table"/> to a static property or field of the factory's type listing them as
/// <see cref="BackendEntry"/> values. Each entry is registered under its own name and description, in the
/// table's order, and the factory takes that name first: <c>Create(string name, MySettings settings)</c>.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BackendAttribute : Attribute
{
    /// <summary>Registers the factory under <paramref name="name"/>.</summary>
    /// <param name="name">The backend's name: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</param>
    public BackendAttribute(string name) => Name = name;

    /// <summary>Registers the factory under every name of its <see cref="Table"/>.</summary>
    public BackendAttribute() => Name = string.Empty;

    /// <summary>The backend's registered name; empty when the names come from <see cref="Table"/>.</summary>
    public string Name { get; }

    /// <summary>One line saying what the backend talks to, for listings. A table's entries carry their own.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// The name of a static property or field of the factory's type, of a type assignable to
    /// <see cref="IEnumerable{T}"/> of <see cref="BackendEntry"/>, whose entries are registered as backends of
    /// this factory (use <c>nameof</c>). The factory's first parameter is then the <see cref="string"/> name it was created under.
    /// </summary>
    public string? Table { get; set; }
}

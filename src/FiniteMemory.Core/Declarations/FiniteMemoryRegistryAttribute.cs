using System.ComponentModel;

namespace FiniteMemory;

/// <summary>
/// Names an assembly's generated registry, so the registry generated in an assembly that references it can
/// register it at start-up without scanning. Emitted by the source generator; not for hand-written code.
/// </summary>
/// <param name="registry">The generated registry type, which has a public static <c>Register()</c> method.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class FiniteMemoryRegistryAttribute(Type registry) : Attribute
{
    /// <summary>The generated registry type.</summary>
    public Type Registry { get; } = registry;
}

namespace FiniteMemory.Policies;

/// <summary>
/// On a <see cref="PolicyStageAttribute"/> class: the public static method the generated pipeline calls for
/// that stage.
/// </summary>
/// <param name="type">The type declaring the method.</param>
/// <param name="method">The method's name; it must be public and static. A returned ValueTask or Task is awaited; any other result is ignored.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class StageImplementationAttribute(Type type, string method) : Attribute
{
    /// <summary>The type declaring the method.</summary>
    public Type Type { get; } = type;

    /// <summary>The method's name.</summary>
    public string Method { get; } = method;
}

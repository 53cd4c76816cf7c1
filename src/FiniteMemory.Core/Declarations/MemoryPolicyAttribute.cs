namespace FiniteMemory.Policies;

/// <summary>
/// Declares a memory policy: the FiniteMemory source generator turns the <c>partial</c> class it marks into an
/// <see cref="IMemoryPolicy"/> whose build method calls the class's stages in order — the stage attributes
/// (<see cref="KeepRecentAttribute"/>, <see cref="SelectAttribute"/> …) in declaration order, with any
/// <see cref="StageAttribute"/> methods placed where their ordering says — and registers it by name.
/// </summary>
/// <remarks>
/// The generated code calls each stage directly with the attribute's arguments as constants: no reflection
/// and no delegates assembled at run time, so a trimmed Native AOT application can select the policy by
/// name (<see cref="MemoryPolicies.Create(string)"/>). The class needs a parameterless constructor, which
/// <see cref="MemoryPolicies.Create(string)"/> calls for every instance it hands out.
/// </remarks>
/// <param name="name">The name configuration selects the policy by: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MemoryPolicyAttribute(string name) : Attribute
{
    /// <summary>The policy's registered name.</summary>
    public string Name { get; } = name;

    /// <summary>One line saying what the policy keeps, for listings such as <c>fmem policies</c>.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// The token budget the policy is designed for, used when configuration gives none (<c>fmem replay</c>
    /// without <c>--budget</c>). Must be positive; 0 (the default) means the caller must choose.
    /// </summary>
    public int Budget { get; set; }
}

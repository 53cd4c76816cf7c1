using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <summary>
/// Marks a method of a <see cref="MemoryPolicyAttribute"/> class as a stage of its pipeline. The method takes
/// the <see cref="Stages.MemoryFrame"/> and optionally a <see cref="CancellationToken"/>, and returns
/// <see langword="void"/>, <see cref="ValueTask"/> or <see cref="Task"/>; it may be static or an instance method.
/// </summary>
/// <remarks>
/// Without <see cref="After"/> or <see cref="Before"/> a method stage runs after every attribute stage, in
/// declaration order. <see cref="After"/> places it right after the named stage, <see cref="Before"/> right
/// before it. A stage's name is its attribute's name without the <c>Attribute</c> suffix (<c>KeepRecent</c>)
/// or its method's name; when several stages share a name, <see cref="After"/> means after the last of them
/// and <see cref="Before"/> before the first.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class StageAttribute : Attribute
{
    /// <summary>The stage this one runs right after.</summary>
    public string? After { get; set; }

    /// <summary>The stage this one runs right before.</summary>
    public string? Before { get; set; }
}

using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <summary>
/// Base class of the stage attributes a <see cref="MemoryPolicyAttribute"/> class lists. A stage attribute
/// names the static method that implements it with <see cref="StageImplementationAttribute"/>; the generator
/// calls that method, passing each argument the attribute was given to the parameter of the same name.
/// </summary>
/// <remarks>
/// Write your own stage attribute by deriving from this class and marking it with
/// <see cref="StageImplementationAttribute"/>. The implementation's parameters are bound as follows: a
/// <see cref="Stages.MemoryFrame"/> gets the frame, a <see cref="CancellationToken"/> gets the build's token,
/// a parameter with the name of an attribute argument gets that argument as a constant, a parameter with a
/// default value that the attribute does not set keeps its default, and any other parameter is a service
/// that a field or property of the policy class must supply (error FM1004 otherwise).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class PolicyStageAttribute : Attribute
{
}

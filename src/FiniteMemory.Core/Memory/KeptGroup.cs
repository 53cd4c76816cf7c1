namespace FiniteMemory.Stages;

/// <summary>A group in the window and why.</summary>
/// <param name="Group">The group's index.</param>
/// <param name="Reason">Why it was kept.</param>
public readonly record struct KeptGroup(int Group, KeepReason Reason);

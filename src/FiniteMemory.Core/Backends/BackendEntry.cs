namespace FiniteMemory.Backends;

/// <summary>One backend of a table a <see cref="BackendAttribute.Table"/> factory serves: the name it is registered under and what it talks to.</summary>
/// <param name="Name">The backend's name: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</param>
/// <param name="Description">One line saying what the backend talks to, for listings.</param>
public sealed record BackendEntry(string Name, string Description);

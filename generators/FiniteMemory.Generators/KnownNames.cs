namespace FiniteMemory.Generators;

/// <summary>Metadata names of the types the generator reads and writes.</summary>
internal static class KnownNames
{
    public const string MemoryPolicyAttribute = "FiniteMemory.Policies.MemoryPolicyAttribute";
    public const string StageAttribute = "FiniteMemory.Policies.StageAttribute";
    public const string StageImplementationAttribute = "FiniteMemory.Policies.StageImplementationAttribute";
    public const string MemoryFrame = "FiniteMemory.Stages.MemoryFrame";
    public const string BackendAttribute = "FiniteMemory.Backends.BackendAttribute";
    public const string BackendSettings = "FiniteMemory.Backends.BackendSettings";
    public const string BackendEntry = "FiniteMemory.Backends.BackendEntry";
    public const string RegistryAttribute = "FiniteMemory.FiniteMemoryRegistryAttribute";
    public const string ChatClient = "Microsoft.Extensions.AI.IChatClient";
    public const string CoreAssembly = "FiniteMemory.Core";
}

/// <summary>Names of the pipeline steps, for incremental-caching tests.</summary>
internal static class TrackingNames
{
    public const string PolicyModels = nameof(PolicyModels);
    public const string PolicySpecs = nameof(PolicySpecs);
    public const string StrayStages = nameof(StrayStages);
    public const string BackendModels = nameof(BackendModels);
    public const string BackendSpecs = nameof(BackendSpecs);
    public const string AssemblyName = nameof(AssemblyName);
    public const string ReferencedRegistries = nameof(ReferencedRegistries);
    public const string Registry = nameof(Registry);
}

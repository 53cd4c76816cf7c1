using FiniteMemory.Generators.Support;

namespace FiniteMemory.Generators;

// The generator's model: plain, equatable values only (no ISymbol, SyntaxNode, Location or Compilation),
// so each pipeline step caches when its input did not change.

/// <summary>A type enclosing a policy class, rendered as its declaration keyword and name (e.g. <c>partial class Outer</c>).</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>One argument of a stage call: a parameter name when it must be passed by name, and the C# expression.</summary>
internal sealed record ArgumentSpec(string? Name, string Expression);

/// <summary>How a stage call completes.</summary>
internal enum StageReturn
{
    /// <summary>Synchronously (any result is ignored).</summary>
    Sync,

    /// <summary>With a ValueTask or Task to await.</summary>
    Awaitable,
}

/// <summary>One stage of a pipeline: the method to call, its arguments, and how it reads in listings.</summary>
internal sealed record StageCallSpec(string Name, string Display, string Target, string Method, EquatableArray<ArgumentSpec> Arguments, StageReturn Return);

/// <summary>Everything the emitter needs for one policy class.</summary>
internal sealed record PolicySpec(
    string Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string Keyword,
    string ClassName,
    string FullyQualifiedName,
    string Name,
    string Description,
    int Budget,
    EquatableArray<StageCallSpec> Stages)
{
    public string HintName => ((Namespace.Length == 0 ? string.Empty : Namespace + ".")
        + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name + "."))
        + ClassName).Replace("@", string.Empty) + ".MemoryPolicy.g.cs";
}

/// <summary>A parsed policy class: its spec (null when it has errors), its diagnostics, and what the duplicate-name check needs.</summary>
internal sealed record PolicyModel(PolicySpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, string Name, string TypeName, LocationInfo? NameLocation);

/// <summary>How a settings property gets its value.</summary>
internal enum SettingSource
{
    /// <summary>From <c>BackendSettings.Model</c>.</summary>
    Model,

    /// <summary>From <c>BackendSettings.Endpoint</c>, as a Uri.</summary>
    EndpointUri,

    /// <summary>From <c>BackendSettings.Endpoint</c>, as text.</summary>
    EndpointString,

    /// <summary>From <c>BackendSettings.ApiKey</c>.</summary>
    ApiKey,

    /// <summary>From <c>BackendSettings.Timeout</c>.</summary>
    Timeout,

    /// <summary>From <c>BackendSettings.Options</c>, parsed.</summary>
    Option,
}

/// <summary>One bindable property of a backend's settings class.</summary>
internal sealed record SettingSpec(string Property, string Key, SettingSource Source, string Parser);

/// <summary>What a backend factory takes.</summary>
internal enum FactoryParameter
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>The BackendSettings itself.</summary>
    BackendSettings,

    /// <summary>A settings class of the user's, bound by generated code.</summary>
    Custom,
}

/// <summary>
/// Everything the registry needs for one backend factory. <see cref="Table"/> is the fully qualified static member
/// listing the backends of a table factory (whose <see cref="Name"/> and <see cref="Description"/> are then empty),
/// or empty for a factory registered under its one name.
/// </summary>
internal sealed record BackendSpec(
    string Name,
    string Description,
    string ContainingType,
    string Method,
    FactoryParameter Parameter,
    string SettingsType,
    EquatableArray<SettingSpec> Settings,
    string Table)
{
    public bool IsTable => Table.Length > 0;
}

/// <summary>A parsed backend factory: its spec (null when it has errors), its diagnostics, and what the duplicate-name check needs.</summary>
internal sealed record BackendModel(BackendSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, string Name, string MethodName, LocationInfo? NameLocation);

/// <summary>The assembly's registry: its policies and backends, and the registries of referenced assemblies to register first.</summary>
internal sealed record RegistrySpec(
    string AssemblyName,
    string TypeName,
    EquatableArray<PolicySpec> Policies,
    EquatableArray<BackendSpec> Backends,
    EquatableArray<string> ReferencedRegistries);

using System.Globalization;
using System.Reflection;
using FiniteMemory.Backends;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>
/// The generated registry of a compiled and loaded test assembly, found the way referencing assemblies find
/// it (the assembly's <see cref="FiniteMemoryRegistryAttribute"/>) and called through reflection. Exceptions
/// come out unwrapped, as a direct caller of the generated code would see them.
/// </summary>
internal sealed class GeneratedRegistry(Assembly assembly)
{
    public Assembly Assembly { get; } = assembly;

    /// <summary>The registry type the assembly's attribute names.</summary>
    public Type Type { get; } = assembly.GetCustomAttribute<FiniteMemoryRegistryAttribute>()?.Registry
        ?? throw new InvalidOperationException($"Assembly {assembly.GetName().Name} has no [FiniteMemoryRegistry] attribute.");

    public IReadOnlyList<string> PolicyNames => (IReadOnlyList<string>)Type.GetProperty(nameof(PolicyNames))!.GetValue(null)!;

    public IReadOnlyList<string> BackendNames => (IReadOnlyList<string>)Type.GetProperty(nameof(BackendNames))!.GetValue(null)!;

    public IMemoryPolicy CreatePolicy(string name) => (IMemoryPolicy)Call(nameof(CreatePolicy), name)!;

    public IChatClient CreateBackend(string name, BackendSettings settings) => (IChatClient)Call(nameof(CreateBackend), name, settings)!;

    public void Register() => Call(nameof(Register));

    /// <summary>Reads a public static property or field of another type of the assembly (e.g. a log the stages write).</summary>
    public object? GetStatic(string typeName, string member)
    {
        var type = Assembly.GetType(typeName, throwOnError: true)!;
        return type.GetProperty(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? type.GetField(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
    }

    /// <summary>The public instance properties of a generated-code object (e.g. a bound settings class), by name.</summary>
    public static IReadOnlyDictionary<string, object?> Properties(object instance) =>
        instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).ToDictionary(p => p.Name, p => p.GetValue(instance), StringComparer.Ordinal);

    private object? Call(string method, params object?[] arguments) =>
        Type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!
            .Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, arguments, CultureInfo.InvariantCulture);
}

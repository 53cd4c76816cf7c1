using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>
/// Checks that the generator's model holds plain values only. A symbol, syntax node, tree, semantic model,
/// compilation or location in a cached step output keeps a whole compilation alive and defeats caching (its
/// equality is by reference), so none may be reachable, statically or in a real run.
/// </summary>
internal static class ModelGraph
{
    private const BindingFlags InstanceFields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>The Roslyn types the model must not hold.</summary>
    public static IReadOnlyList<Type> Forbidden { get; } =
    [
        typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Location),
        typeof(SyntaxToken), typeof(SyntaxTrivia), typeof(SyntaxReference), typeof(AttributeData), typeof(TypedConstant), typeof(Diagnostic),
    ];

    /// <summary>
    /// Walks the declared types reachable from <paramref name="roots"/> through fields (records' backing fields
    /// included), array elements, nullable and generic arguments. Returns the problems (a forbidden type, or a
    /// field that could hold anything, or a type without value equality) and fills <paramref name="reached"/>.
    /// </summary>
    public static List<string> CheckTypes(IEnumerable<Type> roots, HashSet<Type> reached)
    {
        var problems = new List<string>();
        foreach (var root in roots)
        {
            WalkType(root, root.Name, reached, problems);
        }

        return problems;
    }

    /// <summary>Walks a value's object graph (fields and collection elements) and returns where a forbidden type was found; fills <paramref name="seenTypes"/>.</summary>
    public static List<string> CheckValue(object? value, string path, HashSet<Type> seenTypes)
    {
        var problems = new List<string>();
        WalkValue(value, path, new HashSet<object>(ReferenceEqualityComparer.Instance), seenTypes, problems);
        return problems;
    }

    private static bool IsForbidden(Type type) => Forbidden.Any(f => f.IsAssignableFrom(type));

    private static bool IsLeaf(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);

    private static void WalkType(Type type, string path, HashSet<Type> reached, List<string> problems)
    {
        if (IsForbidden(type))
        {
            problems.Add($"{path} is a {type.Name}");
            return;
        }

        if (type.IsArray)
        {
            WalkType(type.GetElementType()!, path + "[]", reached, problems);
            return;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            WalkType(underlying, path, reached, problems);
            return;
        }

        if (!reached.Add(type) || IsLeaf(type))
        {
            return;
        }

        if (type == typeof(object) || type.IsInterface || type.IsAbstract || typeof(Delegate).IsAssignableFrom(type))
        {
            problems.Add($"{path} is a {type.Name}, which could hold anything");
            return;
        }

        if (!typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type))
        {
            problems.Add($"{path} is a {type.Name}, which has no value equality (IEquatable<{type.Name}>)");
        }

        foreach (var argument in type.GetGenericArguments())
        {
            WalkType(argument, $"{path}<{argument.Name}>", reached, problems);
        }

        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            foreach (var field in current.GetFields(InstanceFields))
            {
                WalkType(field.FieldType, path + "." + field.Name, reached, problems);
            }
        }
    }

    private static void WalkValue(object? value, string path, HashSet<object> seen, HashSet<Type> seenTypes, List<string> problems)
    {
        if (value is null)
        {
            return;
        }

        var type = value.GetType();
        seenTypes.Add(type);
        if (IsForbidden(type))
        {
            problems.Add($"{path} is a {type.Name}");
            return;
        }

        if (IsLeaf(type) || (!type.IsValueType && !seen.Add(value)))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                WalkValue(item, $"{path}[{i++}]", seen, seenTypes, problems);
            }

            return;
        }

        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            foreach (var field in current.GetFields(InstanceFields))
            {
                WalkValue(field.GetValue(value), path + "." + field.Name, seen, seenTypes, problems);
            }
        }
    }
}

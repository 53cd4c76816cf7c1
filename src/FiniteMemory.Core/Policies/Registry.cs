using System.Collections.Frozen;

namespace FiniteMemory.Policies;

/// <summary>
/// An immutable name → item table that registration replaces as a whole, so readers never lock. Remembers
/// names declared by two assemblies so that asking for one is an error naming both.
/// </summary>
internal sealed class Registry<T>
    where T : class
{
    private readonly FrozenDictionary<string, (T Item, string Assembly)> _byName;
    private readonly FrozenDictionary<string, string> _conflicts;

    private Registry(T[] items, string[] names, FrozenDictionary<string, (T, string)> byName, FrozenDictionary<string, string> conflicts)
    {
        Items = items;
        Names = names;
        _byName = byName;
        _conflicts = conflicts;
    }

    public static Registry<T> Empty { get; } = new(
        [],
        [],
        FrozenDictionary<string, (T, string)>.Empty,
        FrozenDictionary<string, string>.Empty);

    public IReadOnlyList<T> Items { get; }

    public IReadOnlyList<string> Names { get; }

    public Registry<T> Add(T item, string name, string assembly)
    {
        if (_byName.TryGetValue(name, out var existing))
        {
            if (string.Equals(existing.Assembly, assembly, StringComparison.Ordinal))
            {
                return this;
            }

            if (_conflicts.ContainsKey(name))
            {
                return this;
            }

            var conflicts = new Dictionary<string, string>(_conflicts, StringComparer.OrdinalIgnoreCase)
            {
                [name] = $"{existing.Assembly} and {assembly}",
            };
            return new Registry<T>((T[])Items, (string[])Names, _byName, conflicts.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
        }

        var byName = new Dictionary<string, (T, string)>(_byName, StringComparer.OrdinalIgnoreCase) { [name] = (item, assembly) };
        return new Registry<T>(
            [.. Items, item],
            [.. Names, name],
            byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            _conflicts);
    }

    public bool TryGet(string? name, string kind, out T? item)
    {
        item = null;
        var key = name?.Trim();
        if (string.IsNullOrEmpty(key) || !_byName.TryGetValue(key, out var found))
        {
            return false;
        }

        if (_conflicts.TryGetValue(key, out var both))
        {
            throw new InvalidOperationException($"The {kind} name '{key}' is declared by both {both}. Rename one of them.");
        }

        item = found.Item;
        return true;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace FiniteMemory;

/// <summary>Names of the <see cref="TokenizerPreset"/> values as users type them (CLI, configuration, checkpoints).</summary>
public static class TokenizerPresets
{
    /// <summary>The canonical names, in the order they are listed to users.</summary>
    public static IReadOnlyList<string> Names { get; } = ["o200k", "cl100k", "gpt2"];

    /// <summary>The canonical name of a preset.</summary>
    public static string NameOf(TokenizerPreset preset) => preset switch
    {
        TokenizerPreset.O200k => "o200k",
        TokenizerPreset.Cl100k => "cl100k",
        TokenizerPreset.Gpt2 => "gpt2",
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown tokenizer preset."),
    };

    /// <summary>Parses a preset name; accepts the canonical names and the encoding names (<c>o200k_base</c>, <c>cl100k_base</c>, <c>r50k_base</c>).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out TokenizerPreset preset)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "o200k" or "o200k_base":
                preset = TokenizerPreset.O200k;
                return true;
            case "cl100k" or "cl100k_base":
                preset = TokenizerPreset.Cl100k;
                return true;
            case "gpt2" or "r50k" or "r50k_base":
                preset = TokenizerPreset.Gpt2;
                return true;
            default:
                preset = default;
                return false;
        }
    }

    /// <summary>Parses a preset name or throws an <see cref="ArgumentException"/> that lists the known names.</summary>
    public static TokenizerPreset Parse(string name) =>
        TryParse(name, out var preset)
            ? preset
            : throw new ArgumentException($"Unknown tokenizer '{name}'. Known tokenizers: {string.Join(", ", Names)}.", nameof(name));
}

using System.Globalization;
using System.Text;

namespace FiniteMemory.Onnx.Embeddings;

/// <summary>
/// BERT uncased's strip_accents: the canonical decomposition (NFD) of the text without its non-spacing marks, so
/// "Zürich" reads "Zurich" and "で" reads "て", as the vocabulary all-MiniLM-L6-v2 was trained with expects.
/// </summary>
/// <remarks>
/// Done here rather than with <see cref="string.Normalize(NormalizationForm)"/> because that needs ICU: with
/// <c>InvariantGlobalization</c> (every FiniteMemory app, and most Native AOT apps) it returns the text unchanged,
/// and every accented word would become [UNK]. The table (AccentStripping.Table.cs) makes the result the same on
/// every machine and in every globalization mode.
/// </remarks>
internal static partial class AccentStripping
{
    private const int HangulFirst = 0xAC00;
    private const int HangulLast = 0xD7A3;

    /// <summary>The text with accents stripped; the same instance when there is nothing to strip.</summary>
    public static string Strip(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        Span<char> units = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (rune.IsAscii)
            {
                builder.Append((char)value);
            }
            else if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            else if (value is >= HangulFirst and <= HangulLast)
            {
                AppendHangulJamo(builder, value - HangulFirst);
            }
            else if (Sources.BinarySearch(value) is var index and >= 0)
            {
                builder.Append(Replacements.AsSpan(Offsets[index], Offsets[index + 1] - Offsets[index]));
            }
            else
            {
                builder.Append(units[..rune.EncodeToUtf16(units)]);
            }
        }

        return builder.ToString();
    }

    // Unicode's arithmetic decomposition of a precomposed Hangul syllable into its leading consonant, vowel and
    // optional trailing consonant (none of them marks, so NFD keeps them all).
    private static void AppendHangulJamo(StringBuilder builder, int syllable)
    {
        const int VowelCount = 21;
        const int TrailingCount = 28;
        builder.Append((char)(0x1100 + (syllable / (VowelCount * TrailingCount))));
        builder.Append((char)(0x1161 + (syllable % (VowelCount * TrailingCount) / TrailingCount)));
        if (syllable % TrailingCount != 0)
        {
            builder.Append((char)(0x11A7 + (syllable % TrailingCount)));
        }
    }
}

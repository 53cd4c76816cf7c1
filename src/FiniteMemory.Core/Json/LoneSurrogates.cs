using System.Globalization;
using System.Text;

namespace FiniteMemory;

/// <summary>
/// Replaces lone UTF-16 surrogates in JSON text with U+FFFD before it is parsed: both <c>\ud83d</c> escapes without
/// their pair (what JavaScript's <c>JSON.stringify</c> writes for an emoji cut in half) and raw unpaired surrogate
/// characters. System.Text.Json refuses either when it reads the string, which would fail a whole file for one
/// cut emoji; a user wants the rest of the text, so the broken half becomes the replacement character.
/// </summary>
internal static class LoneSurrogates
{
    private const string Replacement = "\\uFFFD";

    /// <summary>The JSON text with every lone surrogate replaced; the same instance when there is none.</summary>
    public static string Repair(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!MayNeedRepair(json))
        {
            return json;
        }

        StringBuilder? repaired = null;
        var copied = 0;
        var i = 0;
        while (i < json.Length)
        {
            var c = json[i];
            if (c == '\\' && i + 1 < json.Length)
            {
                if (json[i + 1] == 'u' && TryHex(json, i + 2, out var unit) && char.IsSurrogate((char)unit))
                {
                    // A high escape followed by a low escape is a pair; anything else is lone.
                    if (char.IsHighSurrogate((char)unit) && i + 7 < json.Length && json[i + 6] == '\\' && json[i + 7] == 'u'
                        && TryHex(json, i + 8, out var low) && char.IsLowSurrogate((char)low))
                    {
                        i += 12;
                        continue;
                    }

                    repaired ??= new StringBuilder(json.Length);
                    repaired.Append(json, copied, i - copied).Append(Replacement);
                    i += 6;
                    copied = i;
                    continue;
                }

                // Any other escape (\\, \", \n, \u0041 ...) is two characters at least: never read its second as a start.
                i += 2;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
                {
                    i += 2;
                    continue;
                }

                repaired ??= new StringBuilder(json.Length);
                repaired.Append(json, copied, i - copied).Append('\uFFFD');
                i++;
                copied = i;
                continue;
            }

            i++;
        }

        return repaired is null ? json : repaired.Append(json, copied, json.Length - copied).ToString();
    }

    /// <summary>The UTF-8 JSON with every lone surrogate escape replaced; the same bytes when there is none.</summary>
    public static ReadOnlySpan<byte> Repair(ReadOnlySpan<byte> utf8Json)
    {
        // Raw surrogates cannot appear in valid UTF-8 (the reader reports those bytes as invalid UTF-8), so only
        // escapes matter here, and only a "\u" followed by d8-df can start one.
        if (!HasSurrogateEscape(utf8Json))
        {
            return utf8Json;
        }

        var text = Encoding.UTF8.GetString(utf8Json);
        var repaired = Repair(text);
        return ReferenceEquals(repaired, text) ? utf8Json : Encoding.UTF8.GetBytes(repaired);
    }

    private static bool MayNeedRepair(string json)
    {
        foreach (var c in json)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return HasSurrogateEscape(json.AsSpan());
    }

    // A surrogate escape is \uD800-\uDFFF: every one starts "\ud" or "\uD" (a match inside "\\ud" only costs a scan).
    private static bool HasSurrogateEscape(ReadOnlySpan<char> json) =>
        json.Contains("\\ud", StringComparison.Ordinal) || json.Contains("\\uD", StringComparison.Ordinal);

    private static bool HasSurrogateEscape(ReadOnlySpan<byte> json) =>
        json.IndexOf("\\ud"u8) >= 0 || json.IndexOf("\\uD"u8) >= 0;

    private static bool TryHex(string text, int start, out int value)
    {
        value = 0;
        return start + 4 <= text.Length
            && int.TryParse(text.AsSpan(start, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}

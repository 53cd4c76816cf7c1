using System.ComponentModel;
using System.Globalization;

namespace FiniteMemory.Backends;

/// <summary>Parsing helpers the generated settings binders call. Invariant culture throughout; errors never echo the value.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BackendSettingsBinder
{
    /// <summary>The key as the generated binder compares it: lower case, without <c>-</c>, <c>_</c> and spaces.</summary>
    public static string Normalize(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.Create(key.Length - Count(key), key, static (span, k) =>
        {
            var n = 0;
            foreach (var c in k)
            {
                if (c is not ('-' or '_' or ' '))
                {
                    span[n++] = char.ToLowerInvariant(c);
                }
            }
        });

        static int Count(string k)
        {
            var skipped = 0;
            foreach (var c in k)
            {
                skipped += c is '-' or '_' or ' ' ? 1 : 0;
            }

            return skipped;
        }
    }

    /// <summary>The error for an option the settings class does not have.</summary>
    public static BackendConfigurationException Unknown(string backend, string option, string known) =>
        new(backend, option, string.IsNullOrEmpty(known)
            ? $"Backend '{backend}' takes no option '{option}': it accepts only the common settings (model, endpoint, API key, timeout)."
            : $"Backend '{backend}' has no option '{option}'. Known options: {known}.");

    /// <summary>For a factory that takes no settings: any option is one it does not know.</summary>
    /// <exception cref="BackendConfigurationException"><paramref name="settings"/> has an option.</exception>
    public static void RejectOptions(string backend, BackendSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Options.Count > 0)
        {
            throw Unknown(backend, settings.Options.Keys.First(), string.Empty);
        }
    }

    /// <summary>Parses text.</summary>
    public static string ParseString(string backend, string option, string value) => value;

    /// <summary>Parses a boolean (<c>true</c>/<c>false</c>, <c>1</c>/<c>0</c>, <c>yes</c>/<c>no</c>).</summary>
    public static bool ParseBoolean(string backend, string option, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw Invalid(backend, option, "true or false"),
    };

    /// <summary>Parses a 32-bit integer.</summary>
    public static int ParseInt32(string backend, string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid(backend, option, "a whole number");

    /// <summary>Parses a 64-bit integer.</summary>
    public static long ParseInt64(string backend, string option, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid(backend, option, "a whole number");

    /// <summary>Parses a double.</summary>
    public static double ParseDouble(string backend, string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : throw Invalid(backend, option, "a number such as 0.7");

    /// <summary>Parses a single-precision number.</summary>
    public static float ParseSingle(string backend, string option, string value) =>
        float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v) ? v : throw Invalid(backend, option, "a number such as 0.7");

    /// <summary>Parses a decimal.</summary>
    public static decimal ParseDecimal(string backend, string option, string value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid(backend, option, "a number such as 0.7");

    /// <summary>Parses a time span (<c>00:00:30</c>) or a number of seconds (<c>30</c>, <c>2.5</c>).</summary>
    public static TimeSpan ParseTimeSpan(string backend, string option, string value)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid(backend, option, "a duration such as 00:00:30 or a number of seconds");
    }

    /// <summary>Parses an absolute URI.</summary>
    public static Uri ParseUri(string backend, string option, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var v) ? v : throw Invalid(backend, option, "an absolute URL such as http://127.0.0.1:8080/v1");

    /// <summary>Parses an enum member by name (case-insensitive).</summary>
    public static TEnum ParseEnum<TEnum>(string backend, string option, string value)
        where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(value, ignoreCase: true, out var v) && Enum.IsDefined(v)
            ? v
            : throw Invalid(backend, option, $"one of {string.Join(", ", Enum.GetNames<TEnum>())}");

    private static BackendConfigurationException Invalid(string backend, string option, string expected) =>
        new(backend, option, $"Backend '{backend}': option '{option}' must be {expected}; the value given does not parse.");
}

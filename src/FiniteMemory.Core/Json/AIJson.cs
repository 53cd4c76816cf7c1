using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// Turns the loosely typed values M.E.AI messages carry (function arguments, function results,
/// additional properties) into JSON without reflection: through the type metadata that
/// <see cref="AIJsonUtilities.DefaultOptions"/> (source generated) or a caller's options know.
/// </summary>
internal static class AIJson
{
    /// <summary>Serializes <paramref name="value"/> to a JSON element, or returns false when no metadata for its runtime type is available.</summary>
    public static bool TryToElement(object? value, JsonSerializerOptions? options, out JsonElement element)
    {
        switch (value)
        {
            case null:
                element = NullElement;
                return true;
            case JsonElement e:
                element = e.Clone();
                return true;
        }

        if (TryGetTypeInfo(value.GetType(), options, out var typeInfo))
        {
            try
            {
                element = JsonSerializer.SerializeToElement(value, typeInfo);
                return true;
            }
            catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
            {
                // A nested value of a type no resolver knows, or an object graph with a cycle: treated like an unknown type.
            }
        }

        element = default;
        return false;
    }

    /// <summary>Renders a value as the text a model would see: strings verbatim, everything else as JSON, ToString as the last resort.</summary>
    public static string ToModelText(object? value, JsonSerializerOptions? options = null)
    {
        switch (value)
        {
            case null:
                return "null";
            case string s:
                return s;
            case JsonElement e:
                return e.ValueKind == JsonValueKind.String ? e.GetString() ?? string.Empty : Compact(e);
        }

        return TryToElement(value, options, out var element) ? Compact(element) : value.ToString() ?? string.Empty;
    }

    /// <summary>
    /// The element as minified JSON, whatever whitespace it was parsed with, so that a value costs the same
    /// tokens however it was stored (an indented checkpoint, a pretty-printed tool result).
    /// </summary>
    public static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Renders function-call arguments as the JSON object a provider sends.</summary>
    public static string ArgumentsToJson(IDictionary<string, object?>? arguments, JsonSerializerOptions? options = null)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in arguments)
            {
                writer.WritePropertyName(key);
                if (TryToElement(value, options, out var element))
                {
                    element.WriteTo(writer);
                }
                else
                {
                    writer.WriteStringValue(value?.ToString());
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement.Clone();

    private static bool TryGetTypeInfo(Type type, JsonSerializerOptions? options, [NotNullWhen(true)] out JsonTypeInfo? typeInfo)
    {
        if (options is not null && options.TryGetTypeInfo(type, out typeInfo))
        {
            return true;
        }

        return AIJsonUtilities.DefaultOptions.TryGetTypeInfo(type, out typeInfo);
    }
}

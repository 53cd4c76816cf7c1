using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http;

/// <summary>
/// Conversions between M.E.AI's tool-call contents and the JSON providers send, without reflection: arguments
/// and results go through <see cref="AIJsonUtilities.DefaultOptions"/> (source-generated metadata).
/// </summary>
internal static class ProviderJson
{
    private static readonly JsonElement EmptyObject = JsonSerializer.SerializeToElement(new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>)));

    /// <summary>A call's arguments as a JSON object (<c>{}</c> when there are none).</summary>
    public static JsonElement ArgumentsToJson(IDictionary<string, object?>? arguments) =>
        arguments is null || arguments.Count == 0
            ? EmptyObject
            : JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));

    /// <summary>A call's arguments as compact JSON text (<c>{}</c> when there are none), for APIs that take arguments as a string.</summary>
    public static string ArgumentsToText(IDictionary<string, object?>? arguments) => Compact(ArgumentsToJson(arguments));

    /// <summary>An element as compact JSON text (M.E.AI's default options indent).</summary>
    public static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A provider's arguments object as the dictionary <see cref="FunctionCallContent"/> carries (values are <see cref="JsonElement"/>s).</summary>
    /// <exception cref="JsonException">The arguments are not a JSON object.</exception>
    public static Dictionary<string, object?> ArgumentsFromJson(JsonElement arguments)
    {
        if (arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return [];
        }

        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Tool-call arguments must be a JSON object, not {arguments.ValueKind}.");
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in arguments.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return result;
    }

    /// <summary>Arguments sent as JSON text (as Cohere and OpenAI-style APIs do, and Anthropic's streamed <c>input_json_delta</c>).</summary>
    /// <exception cref="JsonException">The text is not a JSON object.</exception>
    public static Dictionary<string, object?> ArgumentsFromText(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        return ArgumentsFromJson(document.RootElement);
    }

    /// <summary>A function result as text: strings as they are, JSON as its text, other values serialized.</summary>
    public static string ResultToText(object? result) => result switch
    {
        null => string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        JsonElement e => Compact(e),
        _ => Compact(Serialize(result)),
    };

    /// <summary>A function result as a JSON object: an object as it is, anything else wrapped as <c>{"result": …}</c>.</summary>
    public static JsonElement ResultToObject(object? result)
    {
        var element = result switch
        {
            JsonElement e => e,
            null => default,
            string s => TryParseObject(s) ?? JsonSerializer.SerializeToElement(s, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(string))),
            _ => Serialize(result),
        };
        if (element.ValueKind == JsonValueKind.Object)
        {
            return element;
        }

        var wrapped = new Dictionary<string, object?> { ["result"] = element.ValueKind == JsonValueKind.Undefined ? null : element };
        return JsonSerializer.SerializeToElement(wrapped, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>)));
    }

    private static JsonElement? TryParseObject(string text)
    {
        if (!text.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement Serialize(object value)
    {
        try
        {
            return JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
        }
        catch (NotSupportedException)
        {
            // A type without source-generated metadata: its text is the best a provider can be given.
            return JsonSerializer.SerializeToElement(value.ToString() ?? string.Empty, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(string)));
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// Reads conversations stored as JSON Lines, one OpenAI-style chat message per line: <c>role</c>,
/// <c>content</c> (string, null, or an array of text / image_url parts), optional <c>name</c>,
/// <c>tool_calls</c>, <c>tool_call_id</c>, plus FiniteMemory's optional <c>id</c> (default: the line number)
/// and <c>pinned</c>.
/// </summary>
/// <remarks>
/// A lone UTF-16 surrogate (<c>"\ud83d"</c>: JavaScript's output for an emoji cut in half) is read as U+FFFD, the
/// replacement character, rather than failing the line.
/// </remarks>
public static class ChatJsonl
{
    /// <summary>Reads a transcript file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">A line is invalid; the message gives its number and the problem.</exception>
    public static IReadOnlyList<ChatJsonlMessage> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Transcript file '{path}' does not exist.", path);
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader);
    }

    /// <summary>Reads a transcript from text.</summary>
    /// <exception cref="FormatException">A line is invalid; the message gives its number and the problem.</exception>
    public static IReadOnlyList<ChatJsonlMessage> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var messages = new List<ChatJsonlMessage>();
        var lineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var openCalls = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var message = Parse(text, number, openCalls);
            if (lineOfId.TryGetValue(message.Id, out var first))
            {
                throw Error(number, $"its id '{message.Id}' is already used on line {first}; ids must be unique");
            }

            lineOfId.Add(message.Id, number);
            messages.Add(message);
        }

        return messages;
    }

    private static ChatJsonlMessage Parse(string text, int number, Dictionary<string, int> openCalls)
    {
        // Syntax first, then shape, so that valid JSON of the wrong shape is not reported as invalid JSON.
        using var document = ParseDocument(text, number);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind switch
            {
                JsonValueKind.Null => "'null'",
                JsonValueKind.Array => "a JSON array",
                JsonValueKind.String => "a JSON string",
                JsonValueKind.Number => "a JSON number",
                _ => "a JSON " + document.RootElement.ValueKind.ToString().ToLowerInvariant(),
            };
            throw Error(number, $"it is {kind}, expected a JSON object with a \"role\"");
        }

        ChatJsonlLine line;
        try
        {
            line = document.RootElement.Deserialize(ChatJsonlContext.Default.ChatJsonlLine)!;
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "a field";
            throw Error(number, $"its \"{field}\" has the wrong type (see the line format: role, content, name, tool_calls, tool_call_id, id, pinned)", ex);
        }

        var role = line.Role?.Trim().ToLowerInvariant() switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "tool" => ChatRole.Tool,
            null or "" => throw Error(number, "it has no \"role\" (expected system, user, assistant or tool)"),
            var other => throw Error(number, $"its role '{other}' is unknown (expected system, user, assistant or tool)"),
        };

        var contents = new List<AIContent>();
        if (role == ChatRole.Tool)
        {
            if (string.IsNullOrEmpty(line.ToolCallId))
            {
                throw Error(number, "it is a tool message without \"tool_call_id\"");
            }

            if (!openCalls.Remove(line.ToolCallId))
            {
                throw Error(number, $"it answers tool call '{line.ToolCallId}', but no earlier assistant message made that call (or it was already answered)");
            }

            contents.Add(new FunctionResultContent(line.ToolCallId, ContentText(line.Content, number)));
        }
        else
        {
            AddContent(contents, line.Content, number);
        }

        if (line.ToolCalls is { Count: > 0 })
        {
            if (role != ChatRole.Assistant)
            {
                throw Error(number, "only assistant messages can have \"tool_calls\"");
            }

            foreach (var call in line.ToolCalls)
            {
                contents.Add(ParseCall(call, number, openCalls));
            }
        }

        var id = line.Id switch
        {
            null or { ValueKind: JsonValueKind.Null } => number.ToString(CultureInfo.InvariantCulture),
            { ValueKind: JsonValueKind.String } s when !string.IsNullOrEmpty(s.GetString()) => s.GetString()!,
            { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
            _ => throw Error(number, "its \"id\" must be a non-empty string or a number"),
        };

        // The line's id and pin travel on the message itself, so any FiniteMemory entry point honours them.
        var message = new ChatMessage(role, contents) { AuthorName = string.IsNullOrEmpty(line.Name) ? null : line.Name, MessageId = id };
        if (line.Pinned == true)
        {
            message.Pin();
        }

        return new ChatJsonlMessage(id, message, line.Pinned ?? false, number);
    }

    private static JsonDocument ParseDocument(string text, int number)
    {
        try
        {
            return JsonDocument.Parse(LoneSurrogates.Repair(text), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw Error(number, $"it is not valid JSON ({ex.Message.Split(". ")[0]})", ex);
        }
    }

    private static FunctionCallContent ParseCall(ChatJsonlToolCall? call, int number, Dictionary<string, int> openCalls)
    {
        if (call?.Function?.Name is not { Length: > 0 } name)
        {
            throw Error(number, "a tool call has no \"function.name\"");
        }

        if (string.IsNullOrEmpty(call.Id))
        {
            throw Error(number, $"the call to '{name}' has no \"id\"");
        }

        if (openCalls.ContainsKey(call.Id))
        {
            throw Error(number, $"tool call id '{call.Id}' is used by an earlier call that was not answered");
        }

        Dictionary<string, object?> arguments = [];
        if (!string.IsNullOrWhiteSpace(call.Function.Arguments))
        {
            try
            {
                var parsed = JsonSerializer.Deserialize(LoneSurrogates.Repair(call.Function.Arguments), ChatJsonlContext.Default.DictionaryStringJsonElement);
                foreach (var (key, value) in parsed ?? [])
                {
                    arguments[key] = value;
                }
            }
            catch (JsonException ex)
            {
                throw Error(number, $"the arguments of call '{call.Id}' ({name}) are not a JSON object ({ex.Message.Split(". ")[0]})", ex);
            }
        }

        openCalls.Add(call.Id, number);
        return new FunctionCallContent(call.Id, name, arguments);
    }

    private static void AddContent(List<AIContent> contents, JsonElement? content, int number)
    {
        switch (content)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return;
            case { ValueKind: JsonValueKind.String } s:
                contents.Add(new TextContent(s.GetString()));
                return;
            case { ValueKind: JsonValueKind.Array } parts:
                foreach (var part in parts.EnumerateArray())
                {
                    switch (StringProperty(part, "type"))
                    {
                        case "text" when StringProperty(part, "text") is { } partText:
                            contents.Add(new TextContent(partText));
                            break;
                        case "image_url" when part.TryGetProperty("image_url", out var image) && StringProperty(image, "url") is { } url:
                            contents.Add(ImageContent(url, number));
                            break;
                        default:
                            throw Error(number, $"a content part is not a text or image_url part: {Shorten(part.GetRawText())}");
                    }
                }

                return;
            default:
                throw Error(number, "its \"content\" must be a string, null, or an array of parts");
        }
    }

    // The string value of an object's property, or null when the element is not an object or the property is not a string.
    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static AIContent ImageContent(string url, int number)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new DataContent(url);
            }
            catch (FormatException ex)
            {
                throw Error(number, "an image data URI is invalid", ex);
            }
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw Error(number, $"the image URL '{Shorten(url)}' is not an absolute URI");
        }

        return new UriContent(uri, "image/*");
    }

    private static string ContentText(JsonElement? content, int number)
    {
        var parts = new List<AIContent>();
        AddContent(parts, content, number);
        return string.Concat(parts.OfType<TextContent>().Select(p => p.Text));
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static FormatException Error(int line, string problem, Exception? inner = null) =>
        new(string.Create(CultureInfo.InvariantCulture, $"line {line}: {problem}."), inner);
}

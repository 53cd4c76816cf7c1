using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// The words of a message as relevance, importance and summaries read them: its author, its text, the names
/// and arguments of the functions it calls and the results it carries — what the model would read.
/// </summary>
internal static class MessageText
{
    /// <summary>The readable text of <paramref name="message"/> (author name first, when it has one).</summary>
    public static string Of(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = Body(message);
        return message.AuthorName is { Length: > 0 } author ? author + ": " + body : body;
    }

    /// <summary>The text of <paramref name="message"/> without its author: what summaries quote.</summary>
    public static string Body(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var contents = message.Contents;
        if (contents.Count == 1 && contents[0] is TextContent only)
        {
            return only.Text ?? string.Empty;
        }

        var text = new StringBuilder();
        foreach (var content in contents)
        {
            var piece = content switch
            {
                TextContent t => t.Text,
                TextReasoningContent r => r.Text,
                FunctionCallContent call => call.Name + " " + AIJson.ArgumentsToJson(call.Arguments),
                FunctionResultContent result => AIJson.ToModelText(result.Result),
                _ => null,
            };
            if (!string.IsNullOrEmpty(piece))
            {
                if (text.Length > 0 && text[^1] is not (' ' or '\n'))
                {
                    text.Append('\n');
                }

                text.Append(piece);
            }
        }

        return text.ToString();
    }

    /// <summary>Who said it, for summary lines: the author name, else the role.</summary>
    public static string Speaker(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.AuthorName is { Length: > 0 } author ? author : message.Role.Value;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// A cheap fingerprint of a message's shape — role, author, and each content's type and size — that
/// changes when a message is edited in place in any way that changes its token count in practice.
/// </summary>
/// <remarks>
/// Computed for every message of every stateless call, so it avoids anything that allocates or hashes a
/// whole string: indexed access to the contents, lengths rather than text, identity hashes of types.
/// </remarks>
internal static class MessageShape
{
    private const long Prime = 0x100000001B3;

    public static long Of(ChatMessage message)
    {
        var role = message.Role.Value;
        var h = ((role.Length * 31L) + role[0]) ^ (message.AuthorName?.Length ?? -1);
        var contents = message.Contents;
        int count;
        if (contents is List<AIContent> list)
        {
            var span = CollectionsMarshal.AsSpan(list);
            count = span.Length;
            foreach (var content in span)
            {
                h = Mix(h, content);
            }
        }
        else
        {
            count = contents.Count;
            for (var i = 0; i < count; i++)
            {
                h = Mix(h, contents[i]);
            }
        }

        return (h * Prime) ^ count;
    }

    // One content's type and size. The exact types of ordinary messages are recognised by a method-table compare
    // (written as content.GetType() == typeof(...) each time, which the JIT turns into one), so Unsafe.As is safe;
    // anything else (subclasses included) is told apart by its type's identity hash.
    private static long Mix(long h, AIContent content)
    {
        long kind, size;
        if (content.GetType() == typeof(TextContent))
        {
            kind = 1;
            size = Unsafe.As<TextContent>(content).Text.Length;
        }
        else if (content.GetType() == typeof(FunctionCallContent))
        {
            var call = Unsafe.As<FunctionCallContent>(content);
            kind = 2;
            size = (call.Name.Length * 31L) + (call.Arguments?.Count ?? -1);
        }
        else if (content.GetType() == typeof(FunctionResultContent))
        {
            var result = Unsafe.As<FunctionResultContent>(content).Result;
            kind = 3;
            size = result is string s ? s.Length : RuntimeHelpers.GetHashCode(result);
        }
        else
        {
            kind = RuntimeHelpers.GetHashCode(content.GetType());
            size = content switch
            {
                TextContent text => text.Text.Length,
                TextReasoningContent reasoning => reasoning.Text.Length,
                FunctionCallContent call => (call.Name.Length * 31L) + (call.Arguments?.Count ?? -1),
                FunctionResultContent { Result: string s } => s.Length,
                FunctionResultContent result => RuntimeHelpers.GetHashCode(result.Result),
                _ => 0,
            };
        }

        return (((h * Prime) ^ kind) * Prime) ^ size;
    }
}

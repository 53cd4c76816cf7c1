using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Integration;

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
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            h = (h * Prime) ^ RuntimeHelpers.GetHashCode(content.GetType());
            h = (h * Prime) ^ content switch
            {
                TextContent text => text.Text.Length,
                TextReasoningContent reasoning => reasoning.Text.Length,
                FunctionCallContent call => (call.Name.Length * 31L) + (call.Arguments?.Count ?? -1),
                FunctionResultContent { Result: string s } => s.Length,
                FunctionResultContent result => RuntimeHelpers.GetHashCode(result.Result),
                _ => 0,
            };
        }

        return (h * Prime) ^ contents.Count;
    }
}

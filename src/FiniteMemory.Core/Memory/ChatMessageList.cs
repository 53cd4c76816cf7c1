using System.Collections;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>The chat messages of a window's <see cref="WindowMessage"/>s, without copying them.</summary>
internal sealed class ChatMessageList(WindowMessage[] messages) : IReadOnlyList<ChatMessage>
{
    public int Count => messages.Length;

    public ChatMessage this[int index] => messages[index].Message;

    public IEnumerator<ChatMessage> GetEnumerator()
    {
        foreach (var message in messages)
        {
            yield return message.Message;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

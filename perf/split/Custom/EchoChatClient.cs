using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace Split;

/// <summary>The app's own backend, in the process: it answers with how many messages and characters it was sent.</summary>
internal sealed class EchoChatClient : IChatClient
{
    /// <summary>The registered name.</summary>
    public const string BackendName = "echo";

    /// <summary>Registered by name through the generated registry.</summary>
    [Backend(BackendName, Description = "Answers in the process with the size of the window it was sent.")]
    public static IChatClient Create() => new EchoChatClient();

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var text = $"Received {list.Count} messages, {list.Sum(static m => m.Text.Length)} characters.";
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

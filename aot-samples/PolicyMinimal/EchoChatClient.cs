using System.Runtime.CompilerServices;
using FiniteMemory.Backends;
using Microsoft.Extensions.AI;
using FiniteMemory;

namespace PolicyMinimal;

/// <summary>
/// An offline, deterministic model: it says how many messages and tokens it was sent and, asked a question,
/// quotes the message of its window that shares the most terms with it. It can only recall what the memory
/// policy put in the window, which is what makes it a useful stand-in.
/// </summary>
internal sealed class EchoChatClient(EchoSettings settings) : IChatClient
{
    private readonly TokenCounter _counter = TokenCounter.Default;

    /// <summary>Registered by name: the generator adds this factory, with a binder for <see cref="EchoSettings"/>, to the assembly's registry.</summary>
    [Backend("echo", Description = "Offline and deterministic: reports the window it was sent and quotes the message in it that best answers the question.")]
    public static IChatClient Create(EchoSettings settings) => new EchoChatClient(settings);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var window = messages.ToList();
        var tokens = _counter.RequestOverhead + window.Sum(_counter.CountMessage);
        var question = window.LastOrDefault(m => m.Role == ChatRole.User);
        var text = $"[{settings.Persona}] I was sent {window.Count} messages ({tokens} tokens).";
        if (question is not null && question.Text.TrimEnd().EndsWith('?'))
        {
            text += " " + Recall(window, question);
        }

        var answer = new ChatMessage(ChatRole.Assistant, text);
        return Task.FromResult(new ChatResponse(answer)
        {
            ModelId = settings.Model,
            Usage = new UsageDetails { InputTokenCount = tokens, OutputTokenCount = _counter.CountTokens(text) },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("echo", defaultModelId: settings.Model)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    // The earlier message sharing the most terms with the question (the newer one on a tie), quoted.
    private string Recall(List<ChatMessage> window, ChatMessage question)
    {
        var asked = Facts.Terms(question.Text);
        var (best, bestMatches) = (default(ChatMessage), 0);
        foreach (var message in window)
        {
            if (ReferenceEquals(message, question) || message.Role == ChatRole.System)
            {
                continue;
            }

            var matches = Facts.Terms(message.Text).Count(asked.Contains);
            if (matches >= bestMatches && matches > 0)
            {
                (best, bestMatches) = (message, matches);
            }
        }

        if (best is null)
        {
            return "Nothing I was sent answers that.";
        }

        var quote = best.Text.Length <= settings.QuoteChars ? best.Text : best.Text[..settings.QuoteChars] + "…";
        return $"You said: \"{quote}\"";
    }
}

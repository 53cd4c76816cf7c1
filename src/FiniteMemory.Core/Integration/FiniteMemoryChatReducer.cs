using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// FiniteMemory as a Microsoft.Extensions.AI <see cref="IChatReducer"/>: reduces any message list to a
/// window that fits the budget, with the same policy, invariants, report and statistics as a session.
/// </summary>
/// <remarks>
/// The newest user message in the list is the one being answered. The reducer remembers the transcripts of
/// the last few conversations it reduced (see <c>ConversationCache</c>): passing a growing history on every
/// call costs a reference check per old message and the reading of the new ones, not a re-read of the whole
/// history. Messages are treated as immutable once passed. Thread-safe.
/// </remarks>
public sealed class FiniteMemoryChatReducer : IChatReducer
{
    private readonly MemoryEngine _engine;
    private readonly ConversationCache _conversations;

    /// <summary>Creates the reducer.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public FiniteMemoryChatReducer(MemoryOptions options)
    {
        _engine = new MemoryEngine(options);
        _conversations = new ConversationCache(_engine.Counter);
    }

    /// <summary>The options in effect (a copy of those given).</summary>
    public MemoryOptions Options => _engine.Options;

    /// <summary>Cumulative statistics over every reduction (a snapshot).</summary>
    public MemoryStats Stats => _engine.Stats;

    /// <summary>The usage-learned token calibration (fed by <see cref="FiniteMemoryChatClient"/>).</summary>
    public TokenCalibration Calibration => _engine.Calibration;

    internal MemoryEngine Engine => _engine;

    /// <inheritdoc />
    public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var pending = ReduceToWindowAsync(messages, null, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? Task.FromResult<IEnumerable<ChatMessage>>(pending.Result.ChatMessages)
            : MessagesOfAsync(pending);
    }

    /// <summary>Reduces <paramref name="messages"/> to a window and returns it with its report.</summary>
    /// <param name="messages">The conversation so far, oldest first.</param>
    /// <param name="chatOptions">The options of the request the window is for (their tools are counted against the budget).</param>
    /// <param name="cancellationToken">Cancels the reduction.</param>
    /// <exception cref="MemoryBudgetException">The budget cannot hold the system and pinned messages and the newest user message.</exception>
    public ValueTask<ContextWindow> ReduceToWindowAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, CancellationToken cancellationToken) =>
        ReduceToWindowAsync(messages, chatOptions, beforeBuild: null, cancellationToken);

    /// <summary>Reduces, calling <paramref name="beforeBuild"/> once the conversation is read and before its window is built.</summary>
    /// <remarks>The usual reduction completes synchronously, without a state machine; failures come through the returned task.</remarks>
    internal ValueTask<ContextWindow> ReduceToWindowAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, Action<Transcript>? beforeBuild, CancellationToken cancellationToken)
    {
        ConversationCache.Remembered? conversation = null;
        try
        {
            ArgumentNullException.ThrowIfNull(messages);
            var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
            conversation = _conversations.Rent(list);
            var transcript = conversation.Transcript;
            beforeBuild?.Invoke(transcript);
            var toolTokens = _engine.Counter.CountTools(chatOptions?.Tools);
            var pending = _engine.BuildAsync(transcript, toolTokens, WindowHistory.None, cancellationToken);
            if (!pending.IsCompleted)
            {
                var rented = conversation;
                conversation = null;
                return ReturnAfterAsync(pending, rented);
            }

            return pending;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<ContextWindow>(ex);
        }
        finally
        {
            if (conversation is not null)
            {
                _conversations.Return(conversation);
            }
        }
    }

    private static async Task<IEnumerable<ChatMessage>> MessagesOfAsync(ValueTask<ContextWindow> pending) =>
        (await pending.ConfigureAwait(false)).ChatMessages;

    private async ValueTask<ContextWindow> ReturnAfterAsync(ValueTask<ContextWindow> pending, ConversationCache.Remembered conversation)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        finally
        {
            _conversations.Return(conversation);
        }
    }
}

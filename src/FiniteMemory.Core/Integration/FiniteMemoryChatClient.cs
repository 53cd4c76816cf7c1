using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// Middleware that bounds every request to the inner client: the message list is reduced to a window that
/// fits the budget (streaming included), and the usage the provider reports calibrates the token counter.
/// </summary>
/// <remarks>
/// <para>Place it closest to the model — after <c>UseFunctionInvocation()</c> in a <see cref="ChatClientBuilder"/> —
/// so that each model request of a tool loop is bounded, not just the first.</para>
/// <para>Tool calls in an answer are passed up as they are, whatever <see cref="ChatOptions.Tools"/> lists: the
/// middleware keeps no history (the caller owns the messages), and a function-invoking client above it may run tools
/// the request does not list (<c>FunctionInvokingChatClient.AdditionalTools</c>). A <see cref="MemorySession"/>,
/// which does remember, refuses a call no tool was offered for.</para>
/// </remarks>
public sealed class FiniteMemoryChatClient : DelegatingChatClient
{
    private readonly FiniteMemoryChatReducer _reducer;

    /// <summary>Creates the middleware.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public FiniteMemoryChatClient(IChatClient innerClient, MemoryOptions options)
        : base(innerClient) => _reducer = new FiniteMemoryChatReducer(options);

    /// <summary>The options in effect.</summary>
    public MemoryOptions Options => _reducer.Options;

    /// <summary>Cumulative statistics (a snapshot).</summary>
    public MemoryStats Stats => _reducer.Stats;

    /// <summary>The usage-learned token calibration.</summary>
    public TokenCalibration Calibration => _reducer.Calibration;

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        new Turn(_reducer, messages).RunAsync(InnerClient, options, cancellationToken);

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A new turn per enumeration: enumerating the returned stream twice (or concurrently) runs two turns, each
        // with its own activity, number and window, instead of sharing one turn's state.
        await foreach (var update in new Turn(_reducer, messages).StreamAsync(InnerClient, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>
    /// A request through the middleware: the shared lifecycle (<see cref="ChatTurn"/>) over the conversation the
    /// caller passed, read into the reducer's cached transcript. Nothing to remember or undo: the caller owns the
    /// messages. Unlike a session, no tool call is checked against <see cref="ChatOptions.Tools"/>: a
    /// function-invoking client above may run tools the request does not list (<c>FunctionInvokingChatClient.AdditionalTools</c>).
    /// </summary>
    private sealed class Turn(FiniteMemoryChatReducer reducer, IEnumerable<ChatMessage> messages) : ChatTurn(reducer.Engine)
    {
        protected override ValueTask<ContextWindow> BuildAsync(ChatOptions? options, CancellationToken cancellationToken) =>
            reducer.ReduceToWindowAsync(messages, options, Started, cancellationToken);
    }
}

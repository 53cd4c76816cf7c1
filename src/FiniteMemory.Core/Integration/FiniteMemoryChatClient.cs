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

    private MemoryEngine Engine => _reducer.Engine;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = Engine.Options.TimeProvider.GetTimestamp();
        var turn = 0;
        try
        {
            var window = await _reducer.ReduceToWindowAsync(messages, options, t => turn = Start(t), cancellationToken).ConfigureAwait(false);
            // Unlike a session, the middleware checks no tool call against ChatOptions.Tools: it remembers nothing
            // (the caller owns the history), and a function-invoking client above it may run tools the request does
            // not list (FunctionInvokingChatClient.AdditionalTools).
            var response = await base.GetResponseAsync(window.ChatMessages, options, cancellationToken).ConfigureAwait(false);

            Engine.ObserveResponse(window, response, turn);
            Complete(turn, ChatOutcome.Completed, response, started);
            return response;
        }
        catch (Exception ex)
        {
            Complete(turn, ModelStream.OutcomeOf(ex, cancellationToken), null, started);
            throw;
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = Engine.Options.TimeProvider.GetTimestamp();
        var turn = 0;
        ContextWindow? window = null;
        var stream = new ModelStream();
        try
        {
            try
            {
                window = await _reducer.ReduceToWindowAsync(messages, options, t => turn = Start(t), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                stream.Fail(ex, cancellationToken);
                throw;
            }

            await foreach (var update in stream.ReadAsync(base.GetStreamingResponseAsync(window.ChatMessages, options, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            FinishStream(stream, window, options, turn, started);
        }
    }

    // Learns from a completed stream and ends the turn.
    private void FinishStream(ModelStream stream, ContextWindow? window, ChatOptions? options, int turn, long started)
    {
        if (stream.Outcome != ChatOutcome.Completed)
        {
            // A reader that stopped early cancelled the turn.
            Complete(turn, stream.Outcome ?? ChatOutcome.Cancelled, null, started);
            return;
        }

        var response = stream.Updates.ToChatResponse();
        Engine.ObserveResponse(window!, response, turn);
        Complete(turn, ChatOutcome.Completed, response, started);
    }

    // The turn starts once the conversation is read, before its window is built (as in a session).
    private int Start(Transcript transcript)
    {
        Engine.Raise(static (h, e) => h.OnChatStart(e), new ChatStartEvent(transcript.Turn, transcript.Count), nameof(IMemoryHooks.OnChatStart));
        return transcript.Turn;
    }

    private void Complete(int turn, ChatOutcome outcome, ChatResponse? response, long started) =>
        Engine.Raise(
            static (h, e) => h.OnChatComplete(e),
            new ChatCompleteEvent(turn, outcome, response, Engine.Options.TimeProvider.GetElapsedTime(started)),
            nameof(IMemoryHooks.OnChatComplete));
}

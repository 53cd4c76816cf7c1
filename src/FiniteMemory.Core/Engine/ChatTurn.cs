using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// One chat turn from start to end, for the session and the middleware alike, streamed or not. The lifecycle is
/// written here once: the turn's activity and timing, the start hook once the conversation is read (before its
/// window is built), the model call, learning from a completed answer's usage, and exactly one end for every
/// outcome: the complete hook with completed, failed or cancelled, raised after memory kept or undid the turn.
/// </summary>
/// <remarks>
/// An owner supplies only its core: how the conversation is read and its window built (<see cref="BuildAsync"/>),
/// and what memory does with a complete answer (<see cref="Accept"/>), with an answer the caller cut short
/// (<see cref="KeepPartial"/>) and with a turn that did not complete (<see cref="Undo"/>). The last three do nothing
/// by default: the middleware remembers nothing (its caller owns the messages). A turn object runs once.
/// </remarks>
internal abstract class ChatTurn(MemoryEngine engine)
{
    private long _started;
    private Activity? _activity;

    /// <summary>The turn's number, once the conversation is read (0 before, and if reading it failed).</summary>
    public int Number { get; private set; }

    /// <summary>The window sent to the model, once built.</summary>
    public ContextWindow? Window { get; private set; }

    /// <summary>Runs the turn with one model call and returns the answer memory accepted.</summary>
    public async Task<ChatResponse> RunAsync(IChatClient model, ChatOptions? options, CancellationToken cancellationToken)
    {
        Begin();
        try
        {
            var window = Window = await BuildAsync(options, cancellationToken).ConfigureAwait(false);
            var response = await model.GetResponseAsync(window.ChatMessages, options, cancellationToken).ConfigureAwait(false);
            Complete(window, response, options);
            return response;
        }
        catch (Exception ex)
        {
            Fail(ex, cancellationToken);
            throw;
        }
        finally
        {
            _activity?.Dispose();
        }
    }

    /// <summary>Runs the turn with one streamed model call, passing every update on; the turn ends when the stream does.</summary>
    /// <remarks>A reader that stops early (disposes the enumerator before the end) cancels the turn.</remarks>
    public async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IChatClient model, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Begin();
        var stream = new ModelStream();
        try
        {
            ContextWindow window;
            try
            {
                window = Window = await BuildAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                stream.Fail(ex, cancellationToken);
                throw;
            }

            await foreach (var update in stream.ReadAsync(model.GetStreamingResponseAsync(window.ChatMessages, options, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            try
            {
                Finish(stream, options);
            }
            finally
            {
                _activity?.Dispose();
            }
        }
    }

    /// <summary>Ends a streamed turn whose reader dropped its enumerator without disposing it: undone, and cancelled.</summary>
    public void Abandon()
    {
        Undo();
        End(ChatOutcome.Cancelled, null);
    }

    /// <summary>Reads the conversation with the turn's new message, calls <see cref="Started"/>, and builds its window.</summary>
    protected abstract ValueTask<ContextWindow> BuildAsync(ChatOptions? options, CancellationToken cancellationToken);

    /// <summary>Memory takes a complete answer; it may refuse it by throwing (the turn then fails and is undone).</summary>
    protected virtual void Accept(ContextWindow window, ChatResponse response, ChatOptions? options)
    {
    }

    /// <summary>
    /// The response was accepted and its usage observed (calibration, cache hooks): the owner may now make the
    /// window its last one. After <see cref="MemoryEngine.ObserveResponse"/>, so a hook sees the previous window as
    /// the last one, and a failure there undoes the turn before anything points at its window.
    /// </summary>
    protected virtual void Accepted(ContextWindow window)
    {
    }

    /// <summary>Memory keeps what it keeps of an answer the caller cancelled or stopped reading.</summary>
    protected virtual void KeepPartial(ContextWindow window, IReadOnlyList<ChatResponseUpdate> updates)
    {
    }

    /// <summary>Memory forgets the turn (it failed, or was cancelled before any answer).</summary>
    protected virtual void Undo()
    {
    }

    /// <summary>The conversation holds the turn's new message: the turn is numbered and announced, before its window is built.</summary>
    protected void Started(Transcript transcript)
    {
        Number = transcript.Turn;
        engine.Raise(static (h, e) => h.OnChatStart(e), new ChatStartEvent(transcript.Turn, transcript.Count), nameof(IMemoryHooks.OnChatStart));
    }

    private void Begin()
    {
        _started = engine.Options.TimeProvider.GetTimestamp();
        _activity = TelemetryRecorder.StartChat();
    }

    private void Complete(ContextWindow window, ChatResponse response, ChatOptions? options)
    {
        Accept(window, response, options);
        engine.ObserveResponse(window, response, Number);
        Accepted(window);
        End(ChatOutcome.Completed, response);
    }

    private void Fail(Exception exception, CancellationToken cancellationToken)
    {
        Undo();
        End(ModelStream.OutcomeOf(exception, cancellationToken), null);
    }

    // How a streamed turn ends, from how its stream ended.
    private void Finish(ModelStream stream, ChatOptions? options)
    {
        if (stream.Outcome == ChatOutcome.Completed)
        {
            try
            {
                Complete(Window!, stream.Updates.ToChatResponse(), options);
            }
            catch (Exception ex)
            {
                // Refused by memory after the stream ended: a failure whatever the caller's token says now.
                Fail(ex, CancellationToken.None);
                throw;
            }

            return;
        }

        // Cancelled by the caller, or the reader stopped early, once the window was sent.
        if ((stream.Outcome is null or ChatOutcome.Cancelled) && Window is { } window)
        {
            KeepPartial(window, stream.Updates);
            End(ChatOutcome.Cancelled, null);
            return;
        }

        Undo();
        End(stream.Outcome ?? ChatOutcome.Cancelled, null);
    }

    private void End(ChatOutcome outcome, ChatResponse? response) =>
        engine.Raise(
            static (h, e) => h.OnChatComplete(e),
            new ChatCompleteEvent(Number, outcome, response, engine.Options.TimeProvider.GetElapsedTime(_started)),
            nameof(IMemoryHooks.OnChatComplete));
}

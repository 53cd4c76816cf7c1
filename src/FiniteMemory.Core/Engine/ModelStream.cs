using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// Reads a model's streamed answer on behalf of the session and the middleware: passes every update on,
/// keeps them for memory, and records how the stream ended.
/// </summary>
internal sealed class ModelStream
{
    /// <summary>The updates received so far.</summary>
    public List<ChatResponseUpdate> Updates { get; } = [];

    /// <summary>How the stream ended; null while it runs, and also when the reader stopped early.</summary>
    public ChatOutcome? Outcome { get; private set; }

    /// <summary>How an exception ends a turn: cancelled if the caller asked for it, failed otherwise.</summary>
    public static ChatOutcome OutcomeOf(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested ? ChatOutcome.Cancelled : ChatOutcome.Failed;

    /// <summary>Records that the turn ended before the stream started (the window could not be built).</summary>
    public void Fail(Exception exception, CancellationToken cancellationToken) => Outcome = OutcomeOf(exception, cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> ReadAsync(IAsyncEnumerable<ChatResponseUpdate> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = source.GetAsyncEnumerator(cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception ex)
                {
                    Fail(ex, cancellationToken);
                    throw;
                }

                Updates.Add(stream.Current);
                yield return stream.Current;
            }
        }

        Outcome = ChatOutcome.Completed;
    }
}

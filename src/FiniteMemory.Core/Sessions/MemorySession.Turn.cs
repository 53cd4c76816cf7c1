using Microsoft.Extensions.AI;

namespace FiniteMemory;

public sealed partial class MemorySession
{
    /// <summary>
    /// A turn of this session: the shared lifecycle (<see cref="ChatTurn"/>) over the session's transcript, which
    /// remembers the turn, refuses a tool call no tool was offered for, and undoes whatever the turn added if it
    /// does not complete. Created by the holder of the session, after it entered.
    /// </summary>
    private sealed class SessionTurn(MemorySession session, ChatMessage userMessage) : ChatTurn(session._engine)
    {
        // Where the transcript stood before the turn: undoing the turn truncates to here.
        private readonly int _mark = session._transcript.Count;

        /// <summary>The transcript the turn runs on (a restored checkpoint replaces the session's).</summary>
        public Transcript Transcript { get; } = session._transcript;

        protected override ValueTask<ContextWindow> BuildAsync(ChatOptions? options, CancellationToken cancellationToken)
        {
            if (ToolCallGuard.Pending(Transcript) is { } pending)
            {
                // Undone with the turn if it fails, like the user message.
                Transcript.Add(ToolCallGuard.ResultsForRestoredCalls(Transcript) ?? throw pending);
            }

            Transcript.Add(userMessage);
            Started(Transcript);
            return session.BuildAsync(options, cancellationToken);
        }

        protected override void Accept(ContextWindow window, ChatResponse response, ChatOptions? options)
        {
            if (ToolCallGuard.Unrequested(response, options) is { } refused)
            {
                throw refused;
            }

            session.Append(response);
        }

        protected override void Accepted(ContextWindow window) => session.Remember(window);

        // Keeps what the user saw, marked incomplete; nothing at all if no text had arrived.
        protected override void KeepPartial(ContextWindow window, IReadOnlyList<ChatResponseUpdate> updates)
        {
            // Only the text survives: a function call cut off before its result would make every later request
            // carry a call without a result, which providers reject.
            var kept = updates.ToChatResponse().Messages
                .Select(static m => new ChatMessage(m.Role, [.. m.Contents.OfType<TextContent>()])
                {
                    AuthorName = m.AuthorName,
                    MessageId = m.MessageId,
                    CreatedAt = m.CreatedAt,
                    AdditionalProperties = new AdditionalPropertiesDictionary { [IncompleteProperty] = true },
                })
                .Where(static m => !string.IsNullOrEmpty(m.Text))
                .ToList();
            if (kept.Count == 0)
            {
                Undo();
                return;
            }

            foreach (var message in kept)
            {
                Transcript.Add(message);
            }

            session.Remember(window);
        }

        protected override void Undo() => session.RollBack(_mark, Window);
    }
}

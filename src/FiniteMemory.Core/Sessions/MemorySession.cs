using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// One conversation with bounded memory: the full transcript, and for every turn a window that fits the
/// budget, built by the configured policy and sent to any <see cref="IChatClient"/>.
/// </summary>
/// <remarks>
/// <para>A session is one conversation: turns run one at a time. Starting a turn (or adding messages) while
/// another is in progress throws <see cref="InvalidOperationException"/>. Reading <see cref="Transcript"/> is
/// safe meanwhile, from any thread: it enumerates a snapshot.</para>
/// <para>A streamed turn holds the session from the first <c>MoveNextAsync</c> until its enumerator finishes or is
/// disposed. An enumerator dropped without being disposed releases the session once the garbage collector has
/// finalized it; that turn then leaves nothing in memory (it is undone before the next operation).</para>
/// <para>Tool calls: an answer that calls a tool although the request offered none is refused
/// (<see cref="InvalidOperationException"/>, nothing remembered). A call to an offered tool that comes back without
/// its result (no function-invoking client in the pipeline) is remembered; add its result with <see cref="Add"/>
/// before the next user message, which is refused until then, since providers reject a call without a result.</para>
/// <para>State is never half-written. A turn whose window cannot be built or whose model call fails leaves
/// the transcript exactly as it was. A streamed turn the caller cancels (or stops reading) keeps the user
/// message and the partial answer, marked with <see cref="IncompleteProperty"/>; a stream that fails keeps
/// nothing.</para>
/// </remarks>
public sealed partial class MemorySession
{
    /// <summary>The <see cref="ChatMessage.AdditionalProperties"/> key set to true on an answer cut short by cancellation.</summary>
    public const string IncompleteProperty = "finitememory.incomplete";

    private readonly IChatClient? _client;
    private MemoryEngine _engine;
    private Transcript _transcript;
    private WindowHistory _history = WindowHistory.None;
    // 0: free; CallHolder: an operation holds the session; above 0: the streamed turn with that lease id holds it.
    private long _busy;
    private long _lastLease;
    private SessionTurn? _abandoned;

    /// <summary>Creates a session that can only prepare windows (no model calls); see <see cref="PrepareAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MemorySession(MemoryOptions options)
        : this(null, options)
    {
    }

    /// <summary>Creates a session over a chat client.</summary>
    /// <param name="chatClient">The model; may be null if the session only prepares windows.</param>
    /// <param name="options">Budget, policy and the rest; copied, so later changes do not affect the session.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MemorySession(IChatClient? chatClient, MemoryOptions options)
    {
        _client = chatClient;
        _engine = new MemoryEngine(options);
        _transcript = new Transcript(_engine.Counter);
    }

    /// <summary>The whole conversation.</summary>
    public Transcript Transcript => _transcript;

    /// <summary>The options in effect (a copy of those given).</summary>
    public MemoryOptions Options => _engine.Options;

    /// <summary>The token counter.</summary>
    public ITokenCounter TokenCounter => _engine.Counter;

    /// <summary>The usage-learned token calibration.</summary>
    public TokenCalibration Calibration => _engine.Calibration;

    /// <summary>Cumulative statistics (a snapshot).</summary>
    public MemoryStats Stats => _engine.Stats;

    /// <summary>The most recent window sent to the model or returned by <see cref="PrepareAsync"/>.</summary>
    public ContextWindow? LastWindow { get; private set; }

    /// <summary>Appends a message without calling the model (history, system prompt, tool results of your own loop).</summary>
    /// <exception cref="ArgumentException">The id is already used.</exception>
    /// <exception cref="InvalidOperationException">A turn is in progress.</exception>
    public MemoryEntry Add(ChatMessage message, bool pinned = false, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Enter();
        try
        {
            return _transcript.Add(message, pinned, id);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Appends a history in order, all or none (ids from <see cref="ChatMessage.MessageId"/> when free, pins from
    /// <see cref="ChatMessagePinning.Pin"/>); token counting runs in parallel for long histories.
    /// </summary>
    /// <exception cref="InvalidOperationException">A turn is in progress.</exception>
    public IReadOnlyList<MemoryEntry> AddRange(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Enter();
        try
        {
            return _transcript.AddRange(messages);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Appends a system message (system messages are in every window).</summary>
    public MemoryEntry AddSystem(string text) => Add(new ChatMessage(ChatRole.System, text));

    /// <summary>Pins a message so that every window keeps it.</summary>
    /// <exception cref="KeyNotFoundException">No message has that id.</exception>
    public void Pin(string id) => SetPinned(id, true);

    /// <summary>Removes a pin.</summary>
    /// <exception cref="KeyNotFoundException">No message has that id.</exception>
    public void Unpin(string id) => SetPinned(id, false);

    /// <summary>
    /// Builds the window for the conversation as it stands — its newest user message is the one being
    /// answered — without calling a model. Use it to call the model yourself, then <see cref="RecordResponse"/>.
    /// </summary>
    /// <param name="chatOptions">The options you will send (their tools are counted against the budget).</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <exception cref="MemoryBudgetException">The budget cannot hold the system and pinned messages and the newest user message.</exception>
    public Task<ContextWindow> PrepareAsync(ChatOptions? chatOptions = null, CancellationToken cancellationToken = default)
    {
        if (!TryEnter(CallHolder))
        {
            return Task.FromException<ContextWindow>(Busy());
        }

        // The usual build completes synchronously: finish it here, without a state machine.
        var handedOff = false;
        try
        {
            ValueTask<ContextWindow> pending;
            try
            {
                pending = BuildAsync(chatOptions, cancellationToken);
            }
            catch (Exception ex)
            {
                pending = ValueTask.FromException<ContextWindow>(ex);
            }

            if (pending.IsCompletedSuccessfully)
            {
                var window = pending.Result;
                Remember(window);
                return Task.FromResult(window);
            }

            handedOff = true;
            return FinishPrepareAsync(pending);
        }
        finally
        {
            if (!handedOff)
            {
                Exit();
            }
        }
    }

    /// <summary>Records a model's response to the last prepared window: appends its messages and learns from its usage.</summary>
    /// <exception cref="InvalidOperationException">No window was prepared.</exception>
    public void RecordResponse(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Enter();
        try
        {
            var window = LastWindow ?? throw new InvalidOperationException("RecordResponse needs a window: call PrepareAsync first and send its messages to the model.");
            var mark = _transcript.Count;
            try
            {
                Append(response);
                _engine.ObserveResponse(window, response, window.Stats.Turn);
                Remember(window);
            }
            catch
            {
                _transcript.TruncateTo(mark);
                throw;
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Sends a user message and returns the model's answer; both are remembered.</summary>
    public Task<ChatResponse> ChatAsync(string userText, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default) =>
        ChatAsync(new ChatMessage(ChatRole.User, userText), chatOptions, cancellationToken);

    /// <summary>Sends a user message and returns the model's answer; both are remembered.</summary>
    /// <exception cref="MemoryBudgetException">The budget cannot hold the mandatory messages; nothing was remembered.</exception>
    /// <exception cref="InvalidOperationException">The session has no chat client, or a turn is in progress.</exception>
    public async Task<ChatResponse> ChatAsync(ChatMessage userMessage, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userMessage);
        var client = RequireClient();
        Enter();
        try
        {
            return await new SessionTurn(this, userMessage).RunAsync(client, chatOptions, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Sends a user message and streams the answer; memory records it when the stream completes.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> ChatStreamingAsync(string userText, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default) =>
        ChatStreamingAsync(new ChatMessage(ChatRole.User, userText), chatOptions, cancellationToken);

    /// <summary>Sends a user message and streams the answer; memory records it when the stream completes.</summary>
    /// <remarks>
    /// If the caller cancels or stops reading, memory keeps the user message and the partial answer marked
    /// <see cref="IncompleteProperty"/> (nothing, if no text had arrived). If the stream fails, memory is left
    /// as it was before the turn.
    /// </remarks>
    public async IAsyncEnumerable<ChatResponseUpdate> ChatStreamingAsync(
        ChatMessage userMessage,
        ChatOptions? chatOptions = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userMessage);
        var client = RequireClient();
        var leaseId = Interlocked.Increment(ref _lastLease);
        Enter(leaseId);
        var turn = new SessionTurn(this, userMessage);
        using var lease = new StreamLease(this, leaseId, turn);
        await foreach (var update in turn.StreamAsync(client, chatOptions, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>
    /// Writes the session to a checkpoint file atomically (a temporary file renamed over the target; a symbolic link
    /// is written through to its target). An existing file keeps its permissions; a new one is readable by its owner
    /// only. Temporary files a killed save left behind are removed.
    /// </summary>
    /// <exception cref="CheckpointConflictException">
    /// The file changed on disk since this session loaded or last saved it (another session or process wrote it);
    /// nothing was written. Saves in one process are checked atomically; across processes, see the exception's remarks.
    /// </exception>
    /// <exception cref="CheckpointException">
    /// The session holds something that cannot be written, or the file on disk became unreadable (so its revision
    /// cannot be checked); the file was not touched.
    /// </exception>
    public async Task SaveCheckpointAsync(string path, CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            var checkpoint = SessionCheckpoint.Capture(this, path);
            _checkpointStamp = await CheckpointFile.WriteAsync(path, checkpoint, _checkpointStamp, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Replaces this session's conversation, statistics and calibration with a checkpoint's. The file is read
    /// and validated completely before anything changes: on any error the session is untouched.
    /// </summary>
    /// <remarks>
    /// Only regular files of at most 128 MiB are read (a pipe or device is refused without being opened). The
    /// file's revision is remembered: a later save to the same path is refused if another writer changed it meanwhile.
    /// </remarks>
    /// <exception cref="CheckpointException">The file is missing, corrupt, truncated, of a newer version or invalid; the message names the file and the problem.</exception>
    public async Task RestoreCheckpointAsync(string path, CancellationToken cancellationToken = default)
    {
        var checkpoint = await CheckpointFile.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        Enter();
        try
        {
            var engine = new MemoryEngine(_engine.Options);
            var transcript = checkpoint.Restore(path, engine);
            _engine = engine;
            _transcript = transcript;
            _history = WindowHistory.None;
            LastWindow = null;
            _checkpointStamp = new CheckpointStamp(Path.GetFullPath(path), checkpoint.Revision ?? 0, checkpoint.Etag);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Creates a session from a checkpoint file.</summary>
    /// <exception cref="CheckpointException">The file is missing, corrupt, truncated, of a newer version or invalid.</exception>
    public static async Task<MemorySession> LoadAsync(string path, IChatClient? chatClient, MemoryOptions options, CancellationToken cancellationToken = default)
    {
        var session = new MemorySession(chatClient, options);
        await session.RestoreCheckpointAsync(path, cancellationToken).ConfigureAwait(false);
        return session;
    }

    internal MemoryEngine Engine => _engine;

    // The checkpoint revision this session last read or wrote, checked by the next save to the same path.
    private CheckpointStamp? _checkpointStamp;

    private void SetPinned(string id, bool pinned)
    {
        ArgumentNullException.ThrowIfNull(id);
        Enter();
        try
        {
            _transcript.SetPinned(id, pinned);
        }
        finally
        {
            Exit();
        }
    }

    private IChatClient RequireClient() =>
        _client ?? throw new InvalidOperationException("This session has no chat client: create it with MemorySession(chatClient, options) to chat, or use PrepareAsync to build windows only.");

    private ValueTask<ContextWindow> BuildAsync(ChatOptions? chatOptions, CancellationToken cancellationToken)
    {
        var toolTokens = _engine.Counter.CountTools(chatOptions?.Tools);
        return _engine.BuildAsync(_transcript, toolTokens, _history, cancellationToken);
    }

    private void Remember(ContextWindow window)
    {
        _history = new WindowHistory(window.Report.KeptIndices, window.Stats.MessagesSeen);
        LastWindow = window;
    }

    // Undoes a failed turn. If its window was built, the statistics already counted what dropped out of view,
    // so that view (less the undone messages) becomes the previous one and a retry does not count it again.
    private void RollBack(int mark, ContextWindow? window)
    {
        _transcript.TruncateTo(mark);
        if (window is not null)
        {
            _history = new WindowHistory([.. window.Report.KeptIndices.Where(i => i < mark)], mark);
        }
    }

    private void Append(ChatResponse response)
    {
        foreach (var message in response.Messages)
        {
            _transcript.Add(message);
        }
    }

    private void Enter(long holder = CallHolder)
    {
        if (!TryEnter(holder))
        {
            throw Busy();
        }
    }

    // Takes the session for holder; the first to take it after an abandoned stream undoes that stream's turn.
    private bool TryEnter(long holder)
    {
        if (Interlocked.CompareExchange(ref _busy, holder, 0) != 0)
        {
            return false;
        }

        if (Interlocked.Exchange(ref _abandoned, null) is { } abandoned && ReferenceEquals(abandoned.Transcript, _transcript))
        {
            abandoned.Abandon();
        }

        return true;
    }

    private static InvalidOperationException Busy() =>
        new("This session is busy with another turn. A session is one conversation: await each turn before starting the next, or use one session per conversation. " +
            "A streamed turn holds the session until its enumerator is disposed: 'await foreach' disposes it, a hand-driven GetAsyncEnumerator() must be disposed too.");

    // PrepareAsync's build that did not complete at once (or failed): awaited here, the session entered by the caller.
    private async Task<ContextWindow> FinishPrepareAsync(ValueTask<ContextWindow> pending)
    {
        try
        {
            var window = await pending.ConfigureAwait(false);
            Remember(window);
            return window;
        }
        finally
        {
            Exit();
        }
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    private const long CallHolder = -1;

    // The session as held by one streamed turn. Only that turn's enumerator references it, so when a reader drops
    // the enumerator without disposing it, the lease is finalized: it hands its turn over to be undone and frees the
    // session (never from the finalizer thread itself: the transcript is only touched by whoever takes the session).
    private sealed class StreamLease(MemorySession session, long id, SessionTurn turn) : IDisposable
    {
        ~StreamLease()
        {
            Volatile.Write(ref session._abandoned, turn);
            Interlocked.CompareExchange(ref session._busy, 0, id);
        }

        /// <summary>Frees the session: the turn ended (however it ended) and its enumerator ran its cleanup.</summary>
        public void Dispose()
        {
            GC.SuppressFinalize(this);
            Interlocked.CompareExchange(ref session._busy, 0, id);
        }
    }
}

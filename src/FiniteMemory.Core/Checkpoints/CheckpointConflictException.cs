namespace FiniteMemory;

/// <summary>
/// A checkpoint changed on disk since this session loaded or last saved it: another process or session wrote it.
/// Nothing was written, so the other writer's turns are kept; load the file again (or save elsewhere) to go on.
/// </summary>
/// <remarks>
/// <para>
/// The optimistic-concurrency contract of saved sessions: every save writes a new revision and a random etag, and
/// a save is refused when the stored revision or etag is not the one this session last read or wrote.
/// </para>
/// <para>
/// Within one process the check and the replacement of the file are one step: of two sessions saving the same
/// revision at once, exactly one succeeds and the other gets this exception. Across processes the check only
/// detects a writer that saved before it: two processes saving at the same instant can both pass it, and the last
/// rename wins. Processes that may write one checkpoint at the same time must therefore hold an exclusive lock for
/// as long as they use it, as <c>fmem chat</c> does: it keeps the file <c>CHECKPOINT.lock</c> beside the checkpoint
/// (beside a symbolic link's final target) open with <see cref="FileShare.None"/> for the whole session, and
/// refuses to start while another process holds it.
/// </para>
/// </remarks>
public sealed class CheckpointConflictException : CheckpointException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="expectedRevision">The revision this session loaded or last saved.</param>
    /// <param name="actualRevision">The revision on disk now, or null when the file could not be read as a checkpoint.</param>
    public CheckpointConflictException(string path, long expectedRevision, long? actualRevision)
        : base(
            path,
            actualRevision == expectedRevision
                ? $"was saved by another writer since this session loaded or saved it (both wrote a revision {expectedRevision}); nothing was written. Another process may be using it: load it again, or save to another file."
                : actualRevision is { } actual
                ? $"was changed by another writer since this session loaded or saved it (revision {actual} on disk, this session has revision {expectedRevision}); nothing was written. Another process may be using it: load it again, or save to another file."
                : $"was replaced by another writer since this session loaded or saved it (this session has revision {expectedRevision}); nothing was written. Another process may be using it: load it again, or save to another file.")
    {
        ExpectedRevision = expectedRevision;
        ActualRevision = actualRevision;
    }

    /// <summary>The revision this session loaded or last saved.</summary>
    public long ExpectedRevision { get; }

    /// <summary>
    /// The revision on disk. Null only when a caller constructs it so: a save that finds an unreadable file throws a
    /// plain <see cref="CheckpointException"/> saying so, not a conflict.
    /// </summary>
    public long? ActualRevision { get; }
}

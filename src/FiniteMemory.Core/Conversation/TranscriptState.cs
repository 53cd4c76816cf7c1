namespace FiniteMemory;

/// <summary>
/// Per-conversation state a stage keeps across turns on its <see cref="Transcript"/> — cached embeddings,
/// term statistics, cluster centroids, the running summary — so each turn does only the new work. Obtained
/// with <see cref="Transcript.GetState{T}(Func{T})"/>; one instance per transcript and type.
/// </summary>
/// <remarks>
/// The transcript only ever grows, except when a failed turn is undone: then <see cref="OnTruncated"/> tells
/// the state to forget what it derived from the removed messages. Access is serialized like the transcript's.
/// </remarks>
public abstract class TranscriptState
{
    /// <summary>The transcript lost every entry at index <paramref name="count"/> and above.</summary>
    protected internal abstract void OnTruncated(int count);
}

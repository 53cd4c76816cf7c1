namespace FiniteMemory;

/// <summary>
/// Callbacks for the five events of a conversation's memory. Implement the ones you need; the others do
/// nothing. A hook that throws is logged and ignored: observers never break a conversation.
/// </summary>
public interface IMemoryHooks
{
    /// <summary>A chat turn begins (the user message is in the transcript, no window built yet).</summary>
    void OnChatStart(ChatStartEvent e)
    {
    }

    /// <summary>A chat turn ended: the model answered (and memory recorded it), or the turn failed or was cancelled.</summary>
    void OnChatComplete(ChatCompleteEvent e)
    {
    }

    /// <summary>A window was built.</summary>
    void OnPolicyExecuted(PolicyExecutedEvent e)
    {
    }

    /// <summary>The provider reported serving part of the prompt from its cache.</summary>
    void OnCacheHit(CacheEvent e)
    {
    }

    /// <summary>The provider reported serving none of the prompt from its cache.</summary>
    void OnCacheMiss(CacheEvent e)
    {
    }
}

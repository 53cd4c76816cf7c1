namespace FiniteMemory.Http.Replicate;

/// <summary>The built-in ways of writing a conversation as one prompt (see <see cref="ReplicatePromptTemplate"/>).</summary>
public enum ReplicatePromptFormat
{
    /// <summary>Llama 3 chat headers (<c>&lt;|start_header_id|&gt;user&lt;|end_header_id|&gt;</c> … <c>&lt;|eot_id|&gt;</c>): Meta's Llama 3 / 3.1 instruct models.</summary>
    Llama3,

    /// <summary>ChatML (<c>&lt;|im_start|&gt;user</c> … <c>&lt;|im_end|&gt;</c>): Qwen, Yi, many fine-tunes.</summary>
    ChatML,

    /// <summary>Plain text turns (<c>User: …</c>, <c>Assistant: …</c>) for models without a chat format.</summary>
    Plain,
}

using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Replicate;

/// <summary>
/// How a conversation becomes the single prompt a Replicate language model takes. System messages go to the
/// <c>system_prompt</c> input; every other message is written with <see cref="Message"/> (placeholders
/// <c>{role}</c> and <c>{content}</c>), in order, after <see cref="Prefix"/> and followed by
/// <see cref="GenerationPrompt"/>, which opens the assistant's turn.
/// </summary>
/// <remarks>
/// <para>
/// Replicate's Llama 3 models wrap <c>prompt</c> in their own <c>prompt_template</c> input, which by default
/// writes one user turn around it. The <see cref="Llama3"/> template therefore also sends
/// <see cref="ModelPromptTemplate"/> = <c>&lt;|begin_of_text|&gt;</c> + the system turn (<c>{system_prompt}</c>) +
/// <c>{prompt}</c>, so the model sees the whole conversation exactly once, in its native format.
/// </para>
/// <para>
/// Function calls and results from earlier turns are written as text (<c>[called name({"arg":1})]</c> and the
/// result's text in a turn of role <see cref="ToolRole"/>): Replicate models take a prompt, not tools.
/// </para>
/// </remarks>
public sealed record ReplicatePromptTemplate
{
    /// <summary>Meta Llama 3 / 3.1 instruct chat format (the default).</summary>
    public static ReplicatePromptTemplate Llama3 { get; } = new()
    {
        Message = "<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>",
        GenerationPrompt = "<|start_header_id|>assistant<|end_header_id|>\n\n",
        ToolRole = "ipython",
        ModelPromptTemplate = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n{system_prompt}<|eot_id|>{prompt}",
    };

    /// <summary>ChatML (<c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;</c>).</summary>
    public static ReplicatePromptTemplate ChatML { get; } = new()
    {
        Message = "<|im_start|>{role}\n{content}<|im_end|>\n",
        GenerationPrompt = "<|im_start|>assistant\n",
    };

    /// <summary>Plain text turns: <c>User: …</c>, <c>Assistant: …</c>, then <c>Assistant:</c>.</summary>
    public static ReplicatePromptTemplate Plain { get; } = new()
    {
        Message = "{role}: {content}\n\n",
        GenerationPrompt = "Assistant:",
        UserRole = "User",
        AssistantRole = "Assistant",
        ToolRole = "Tool",
    };

    /// <summary>How each message is written: <c>{role}</c> and <c>{content}</c> are replaced.</summary>
    public required string Message { get; init; }

    /// <summary>Written before the first message.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>Written after the last message to open the assistant's turn.</summary>
    public required string GenerationPrompt { get; init; }

    /// <summary>The <c>{role}</c> of user messages.</summary>
    public string UserRole { get; init; } = "user";

    /// <summary>The <c>{role}</c> of assistant messages.</summary>
    public string AssistantRole { get; init; } = "assistant";

    /// <summary>The <c>{role}</c> of function results.</summary>
    public string ToolRole { get; init; } = "tool";

    /// <summary>Sent as the model's <c>prompt_template</c> input (placeholders <c>{system_prompt}</c> and <c>{prompt}</c>), or <see langword="null"/> to leave the model's own.</summary>
    public string? ModelPromptTemplate { get; init; }

    /// <summary>The built-in template for <paramref name="format"/>.</summary>
    public static ReplicatePromptTemplate For(ReplicatePromptFormat format) => format switch
    {
        ReplicatePromptFormat.Llama3 => Llama3,
        ReplicatePromptFormat.ChatML => ChatML,
        ReplicatePromptFormat.Plain => Plain,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Use Llama3, ChatML or Plain."),
    };

    /// <summary>Writes <paramref name="messages"/> as a system prompt and a prompt.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request's options: their <see cref="ChatOptions.Instructions"/> open the system prompt.</param>
    /// <exception cref="ArgumentException">The conversation has no message besides system messages.</exception>
    public ReplicatePrompt Render(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var conversation = messages as IReadOnlyCollection<ChatMessage> ?? [.. messages];
        var system = ProviderMessages.SystemText(conversation, options);
        var prompt = new StringBuilder(Prefix);
        var turns = 0;
        foreach (var message in conversation)
        {
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            var content = new StringBuilder();
            var results = new List<string>();
            foreach (var part in message.Contents)
            {
                switch (part)
                {
                    case TextContent t:
                        content.Append(t.Text);
                        break;
                    case FunctionCallContent call:
                        content.Append(content.Length > 0 ? "\n" : string.Empty)
                            .Append("[called ").Append(call.Name).Append('(').Append(ProviderJson.ArgumentsToText(call.Arguments)).Append(")]");
                        break;
                    case FunctionResultContent result:
                        results.Add(ProviderMessages.ResultText(result));
                        break;
                    default:
                        break;
                }
            }

            if (content.Length > 0)
            {
                Append(prompt, message.Role == ChatRole.Assistant ? AssistantRole : message.Role == ChatRole.Tool ? ToolRole : UserRole, content.ToString());
                turns++;
            }

            foreach (var result in results)
            {
                Append(prompt, ToolRole, result);
                turns++;
            }
        }

        if (turns == 0)
        {
            throw new ArgumentException("A Replicate model needs a prompt: the conversation has no user or assistant message with text.", nameof(messages));
        }

        prompt.Append(GenerationPrompt);
        return new ReplicatePrompt(system, prompt.ToString(), ModelPromptTemplate);
    }

    private void Append(StringBuilder prompt, string role, string content) =>
        prompt.Append(Message.Replace("{role}", role, StringComparison.Ordinal).Replace("{content}", content, StringComparison.Ordinal));
}

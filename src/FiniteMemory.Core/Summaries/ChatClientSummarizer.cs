using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// A summarizer backed by any <see cref="IChatClient"/>: the model is asked to extend the running summary with
/// the new messages, keeping every name, number, date, decision and preference, within the token target. The
/// summarize stage checks each result with its <see cref="SummaryQualityGate"/>, asks once more with the gate's
/// findings when it fails, and otherwise falls back to the <see cref="ExtractiveSummarizer"/>.
/// </summary>
public sealed class ChatClientSummarizer : IConversationSummarizer
{
    private readonly IChatClient _client;
    private readonly ChatOptions? _options;

    /// <summary>Creates a summarizer over <paramref name="client"/>.</summary>
    /// <param name="client">The model.</param>
    /// <param name="maxInputTokens">The most tokens one request may carry (the model's context less room for the answer).</param>
    /// <param name="options">Options for each request (model id, temperature …); the stage sets the output limit.</param>
    public ChatClientSummarizer(IChatClient client, int maxInputTokens = 8_000, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInputTokens, 256);
        _client = client;
        _options = options;
        MaxInputTokens = maxInputTokens;
    }

    /// <inheritdoc />
    public string Name => "llm";

    /// <inheritdoc />
    public int MaxInputTokens { get; }

    /// <summary>The instruction the model gets (a system message), with <c>{0}</c> for the token target.</summary>
    public string Instructions { get; init; } =
        "You maintain the running summary of a long conversation so that an assistant can continue it without the older messages. "
        + "Extend the previous summary with the new messages. Keep every name, number, date, time, place, decision, preference, "
        + "instruction and open question exactly as stated; when a later message changes a fact, keep the new value and say it replaced the old one. "
        + "Drop greetings and small talk. Never add anything the messages do not say. Write short '- Speaker: fact' lines, "
        + "at most {0} tokens in all, and output only the summary.";

    /// <summary>Extra guidance appended on a retry (the gate's finding), set by the stage.</summary>
    internal static string RetryHint(string problem) =>
        "Your previous summary was rejected because " + problem + ". Write it again and fix that.";

    /// <inheritdoc />
    public async ValueTask<string> SummarizeAsync(SummaryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = new StringBuilder();
        input.Append("Previous summary:\n").Append(string.IsNullOrWhiteSpace(request.PreviousSummary) ? "(none yet)" : request.PreviousSummary).Append("\n\nNew messages:\n");
        foreach (var line in request.Lines)
        {
            input.Append(line).Append('\n');
        }

        if (request.Feedback is { Length: > 0 } feedback)
        {
            input.Append('\n').Append(RetryHint(feedback)).Append('\n');
        }

        var options = _options?.Clone() ?? new ChatOptions();
        options.MaxOutputTokens ??= request.TargetTokens + 32;
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, string.Format(CultureInfo.InvariantCulture, Instructions, request.TargetTokens)),
            new(ChatRole.User, input.ToString()),
        };
        var response = await _client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return response.Text.Trim();
    }
}

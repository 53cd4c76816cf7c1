using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Stages;

/// <summary>
/// Fits a group that must be in the window but is too large (the newest user message, a huge tool
/// result in the current turn) by shortening its text with <see cref="TextTruncator"/>. The transcript
/// keeps the full message; only the window sees the shortened copy.
/// </summary>
public static class TruncateStage
{
    /// <summary>The <see cref="ChatMessage.AdditionalProperties"/> key set to true on truncated copies.</summary>
    public const string TruncatedProperty = "finitememory.truncated";

    // FillRemaining's default, shared with TruncateAttribute (StageAttributeDefaultsTests checks the pair).
    internal const int DefaultMinTokens = 64;

    /// <summary>
    /// Spends the tokens left after earlier stages on a shortened copy of the newest group not yet in the window
    /// (older than the newest user message), so the window ends where the model's memory fades instead of at a
    /// hard edge.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <param name="minTokens">Do nothing when fewer tokens than this remain: a scrap of a message is noise.</param>
    /// <returns>Whether a group was added.</returns>
    public static bool FillRemaining(MemoryFrame frame, int minTokens = DefaultMinTokens)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(minTokens);

        var remaining = frame.Remaining;
        if (remaining < Math.Max(1, minTokens))
        {
            return false;
        }

        var newest = frame.QueryGroup >= 0 ? frame.QueryGroup - 1 : frame.GroupCount - 1;
        for (var g = newest; g >= 0; g--)
        {
            if (frame.IsKept(g))
            {
                continue;
            }

            return frame.TryKeep(g, KeepReason.Recent)
                || (TryFit(frame, g, remaining) && frame.TryKeep(g, KeepReason.Recent));
        }

        return false;
    }

    /// <summary>
    /// Shortens the members of <paramref name="group"/> (largest text first) until the group costs at most
    /// <paramref name="available"/> tokens.
    /// </summary>
    /// <returns>Whether the group now fits; when false, nothing in the frame changed.</returns>
    public static bool TryFit(MemoryFrame frame, int group, int available)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var members = frame.Transcript.Groups[group].Members;
        var planned = new Dictionary<int, (ChatMessage Message, int Tokens)>();

        for (var round = 0; round < 2 * members.Count + 2; round++)
        {
            var cost = 0;
            var largest = -1;
            var largestCost = 0;
            foreach (var member in members)
            {
                if (member >= frame.Count)
                {
                    continue;
                }

                var memberCost = planned.TryGetValue(member, out var p) ? frame.Calibrate(p.Tokens) : frame.CostOfEntry(member);
                cost += memberCost;
                if (memberCost > largestCost && HasTruncatableText(frame.Transcript[member].Message) && !planned.ContainsKey(member))
                {
                    largest = member;
                    largestCost = memberCost;
                }
            }

            if (cost <= available)
            {
                foreach (var (index, (message, tokens)) in planned)
                {
                    frame.SetTruncation(index, message, tokens);
                }

                return true;
            }

            if (largest < 0)
            {
                return false;
            }

            var target = largestCost - (cost - available);
            var rawTarget = (int)Math.Floor(target / frame.CalibrationRatio);
            while (rawTarget > 0 && frame.Calibrate(rawTarget) > target)
            {
                rawTarget--;
            }

            var truncated = TruncateMessage(frame.Counter, frame.Transcript[largest].Message, rawTarget);
            if (truncated is null)
            {
                return false;
            }

            planned[largest] = truncated.Value;
        }

        return false;
    }

    /// <summary>
    /// Returns a copy of <paramref name="message"/> whose text (or function results) is shortened so that the
    /// whole message counts at most <paramref name="maxTokens"/>, or null when that is impossible.
    /// </summary>
    public static (ChatMessage Message, int Tokens)? TruncateMessage(ITokenCounter counter, ChatMessage message, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(message);

        var current = counter.CountMessage(message);
        if (current <= maxTokens)
        {
            return (message, current);
        }

        // The parts that can shrink: all text joined as one, and each function result rendered as text.
        var text = JoinText(message);
        var results = message.Contents.OfType<FunctionResultContent>().Select(r => AIJson.ToModelText(r.Result)).ToArray();

        for (var round = 0; round < 4 + results.Length; round++)
        {
            var candidate = Rebuild(message, text, results);
            var count = counter.CountMessage(candidate);
            if (count <= maxTokens)
            {
                return (candidate, count);
            }

            // Shrink the largest part by the overshoot.
            var excess = count - maxTokens;
            var textTokens = text is null ? 0 : counter.CountTokens(text);
            var largestResult = -1;
            var largestResultTokens = 0;
            for (var i = 0; i < results.Length; i++)
            {
                var t = counter.CountTokens(results[i]);
                if (t > largestResultTokens)
                {
                    largestResult = i;
                    largestResultTokens = t;
                }
            }

            if (textTokens >= largestResultTokens && textTokens > 0)
            {
                text = TextTruncator.Truncate(counter, text!, textTokens - excess);
                if (text is null)
                {
                    return null;
                }
            }
            else if (largestResult >= 0)
            {
                var shorter = TextTruncator.Truncate(counter, results[largestResult], largestResultTokens - excess);
                if (shorter is null)
                {
                    return null;
                }

                results[largestResult] = shorter;
            }
            else
            {
                return null;
            }
        }

        return null;
    }

    private static bool HasTruncatableText(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is TextContent or FunctionResultContent)
            {
                return true;
            }
        }

        return false;
    }

    private static string? JoinText(ChatMessage message)
    {
        StringBuilder? builder = null;
        string? single = null;
        foreach (var content in message.Contents)
        {
            if (content is not TextContent text)
            {
                continue;
            }

            if (single is null && builder is null)
            {
                single = text.Text;
            }
            else
            {
                builder ??= new StringBuilder(single);
                builder.Append(text.Text);
            }
        }

        return builder?.ToString() ?? single;
    }

    private static ChatMessage Rebuild(ChatMessage original, string? text, string[] results)
    {
        var contents = new List<AIContent>(original.Contents.Count);
        var textPlaced = false;
        var resultIndex = 0;
        foreach (var content in original.Contents)
        {
            switch (content)
            {
                case TextContent:
                    if (!textPlaced && text is not null)
                    {
                        contents.Add(new TextContent(text));
                        textPlaced = true;
                    }

                    break;
                case FunctionResultContent result:
                    contents.Add(new FunctionResultContent(result.CallId, results[resultIndex++])
                    {
                        Exception = result.Exception,
                        AdditionalProperties = result.AdditionalProperties,
                    });
                    break;
                default:
                    contents.Add(content);
                    break;
            }
        }

        var copy = new ChatMessage(original.Role, contents)
        {
            AuthorName = original.AuthorName,
            MessageId = original.MessageId,
            CreatedAt = original.CreatedAt,
            AdditionalProperties = original.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(original.AdditionalProperties),
        };
        copy.AdditionalProperties[TruncatedProperty] = true;
        return copy;
    }
}

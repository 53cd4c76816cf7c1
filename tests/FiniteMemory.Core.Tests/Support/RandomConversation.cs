using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Support;

/// <summary>One message of a generated conversation and whether the test pins it.</summary>
public sealed record GeneratedMessage(ChatMessage Message, bool Pinned);

/// <summary>
/// Deterministic random conversations with everything that stresses a memory policy: system prompts
/// (also mid-conversation), pinned messages, tool calls with one to three parallel results, results that
/// arrive out of order, huge messages, empty contents, non-Latin and emoji text, agent loops after the
/// last user message, and orphan tool results.
/// </summary>
public static class RandomConversation
{
    private static readonly string[] Words =
    [
        "the", "booking", "reference", "QX7-42B", "Kyoto", "train", "at", "07:45", "Maya", "Tomás", "budget", "€2,400",
        "allergy", "peanuts", "hotel", "flight", "changed", "to", "March", "14th", "please", "remember", "and", "ryokan",
        "東京", "京都の", "天気は", "晴れ", "です。", "Привет", "мир", "Καλημέρα", "مرحبا", "नमस्ते", "🙂", "👩🏽‍💻", "🚄",
        "1234567", "3.14159", "don't", "I'LL", "\n", "\r\n", "\t", "  ", "e\u0301", "…", "{\"a\":1}", "<|endoftext|>",
    ];

    public static List<GeneratedMessage> Create(int seed, int turns, double hugeChance = 0.05)
    {
        var random = new Random(seed);
        var messages = new List<GeneratedMessage>();
        var callId = 0;

        if (random.NextDouble() < 0.8)
        {
            messages.Add(new(new ChatMessage(ChatRole.System, Text(random, 5, 40)), false));
        }

        for (var turn = 0; turn < turns; turn++)
        {
            if (random.NextDouble() < 0.05)
            {
                messages.Add(new(new ChatMessage(ChatRole.System, Text(random, 2, 20)), false));
            }

            messages.Add(new(User(random, hugeChance), random.NextDouble() < 0.06));

            var last = turn == turns - 1;
            var shape = random.Next(10);
            if (shape < 4 || (last && shape < 6))
            {
                // A tool exchange: one assistant message with 1-3 calls, then a result per call, in any order.
                var calls = random.Next(1, 4);
                var ids = Enumerable.Range(0, calls).Select(_ => "call_" + callId++).ToList();
                var contents = new List<AIContent>();
                if (random.NextDouble() < 0.3)
                {
                    contents.Add(new TextContent(Text(random, 1, 15)));
                }

                foreach (var id in ids)
                {
                    contents.Add(new FunctionCallContent(id, "tool_" + random.Next(5), new Dictionary<string, object?>
                    {
                        ["query"] = Text(random, 1, 6),
                        ["limit"] = random.Next(100),
                    }));
                }

                messages.Add(new(new ChatMessage(ChatRole.Assistant, contents), random.NextDouble() < 0.03));
                foreach (var id in ids.OrderBy(_ => random.Next()))
                {
                    var result = random.NextDouble() < hugeChance ? Text(random, 2000, 6000) : Text(random, 0, 60);
                    messages.Add(new(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(id, result)]), false));
                }

                // In an agent loop the conversation can end right after tool results.
                if (!(last && random.NextDouble() < 0.5))
                {
                    messages.Add(new(new ChatMessage(ChatRole.Assistant, Text(random, 1, 80)), false));
                }
            }
            else if (shape < 9)
            {
                messages.Add(new(new ChatMessage(ChatRole.Assistant, random.NextDouble() < 0.05 ? Text(random, 1500, 4000) : Text(random, 0, 120)), false));
            }

            if (random.NextDouble() < 0.02)
            {
                // A result whose call never happened (a damaged history): it must stand alone.
                messages.Add(new(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("orphan_" + callId++, Text(random, 1, 10))]), false));
            }
        }

        // Sometimes the conversation ends with the model's answer already there (replaying a finished chat).
        if (random.NextDouble() < 0.2)
        {
            messages.Add(new(new ChatMessage(ChatRole.Assistant, Text(random, 1, 30)), false));
        }

        return messages;
    }

    private static ChatMessage User(Random random, double hugeChance)
    {
        var roll = random.NextDouble();
        if (roll < 0.04)
        {
            return new ChatMessage(ChatRole.User, []); // no content at all
        }

        if (roll < 0.07)
        {
            return new ChatMessage(ChatRole.User, string.Empty);
        }

        var message = new ChatMessage(ChatRole.User, roll < 0.07 + hugeChance ? Text(random, 2000, 8000) : Text(random, 1, 60));
        if (random.NextDouble() < 0.1)
        {
            message.AuthorName = random.NextDouble() < 0.5 ? "maya" : "tomas";
        }

        return message;
    }

    public static string Text(Random random, int minWords, int maxWords)
    {
        var count = random.Next(minWords, maxWords + 1);
        var builder = new StringBuilder(count * 6);
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && random.Next(4) != 0)
            {
                builder.Append(' ');
            }

            builder.Append(Words[random.Next(Words.Length)]);
            if (random.Next(12) == 0)
            {
                builder.Append(random.Next(3) switch { 0 => ". ", 1 => "? ", _ => "。" });
            }
        }

        return builder.ToString();
    }
}

using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Benchmarks;

/// <summary>Writes a long transcript (the sample repeated) as JSON Lines, for cold-start measurements of fmem.</summary>
public static class TranscriptWriter
{
    public static int Write(int count, string path)
    {
        using var output = new StreamWriter(path);
        foreach (var m in BenchmarkData.Conversation(count))
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("id", m.Id);
                writer.WriteString("role", m.Message.Role.Value);
                if (m.Message.AuthorName is { } name)
                {
                    writer.WriteString("name", name);
                }

                if (m.Pinned)
                {
                    writer.WriteBoolean("pinned", true);
                }

                var result = m.Message.Contents.OfType<FunctionResultContent>().FirstOrDefault();
                if (result is not null)
                {
                    writer.WriteString("tool_call_id", result.CallId);
                    writer.WriteString("content", result.Result?.ToString());
                }
                else
                {
                    writer.WriteString("content", m.Message.Text);
                }

                var calls = m.Message.Contents.OfType<FunctionCallContent>().ToList();
                if (calls.Count > 0)
                {
                    writer.WriteStartArray("tool_calls");
                    foreach (var call in calls)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("id", call.CallId);
                        writer.WriteString("type", "function");
                        writer.WriteStartObject("function");
                        writer.WriteString("name", call.Name);
                        writer.WriteString("arguments", JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions));
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }

        return 0;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FiniteMemory.Policies;

namespace FiniteMemory.Cli;

/// <summary><c>fmem policies</c>: the registered memory policies, with their stages in running order.</summary>
internal static class PoliciesCommand
{
    public static Command Create(TextWriter output)
    {
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object: {\"policies\":[{name, description, budget, stages, assembly}]}.",
        };
        var command = new Command("policies", "List the memory policies registered by name (built-in and generated from [MemoryPolicy] declarations), with their stages.")
        {
            json,
        };
        command.SetAction(parse =>
        {
            Write(output, MemoryPolicies.All, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    internal static void Write(TextWriter output, IReadOnlyList<PolicyRegistration> policies, bool json)
    {
        if (json)
        {
            WriteJson(output, policies);
            return;
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"{policies.Count} {(policies.Count == 1 ? "policy" : "policies")}. Before any stage the engine keeps the system and pinned messages and the newest user message; after the last it orders the window chronologically."));
        var width = policies.Count == 0 ? 0 : policies.Max(p => p.Name.Length);
        foreach (var policy in policies)
        {
            output.WriteLine();
            output.WriteLine($"{policy.Name.PadRight(width)}  {policy.Description}");
            var indent = new string(' ', width + 2);
            output.WriteLine($"{indent}stages: {(policy.Stages.Count == 0 ? "(none: mandatory messages only)" : string.Join(" → ", policy.Stages))}");
            output.WriteLine(string.Create(c, $"{indent}budget: {(policy.Budget is { } b ? b.ToString("N0", c) + " tokens" : "set by the caller (--budget)")} · declared in {policy.Assembly}"));
        }
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<PolicyRegistration> policies)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("policies");
            foreach (var policy in policies)
            {
                writer.WriteStartObject();
                writer.WriteString("name", policy.Name);
                writer.WriteString("description", policy.Description);
                if (policy.Budget is { } budget)
                {
                    writer.WriteNumber("budget", budget);
                }
                else
                {
                    writer.WriteNull("budget");
                }

                writer.WriteStartArray("stages");
                foreach (var stage in policy.Stages)
                {
                    writer.WriteStringValue(stage);
                }

                writer.WriteEndArray();
                writer.WriteString("assembly", policy.Assembly);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}

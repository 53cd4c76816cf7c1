using System.CommandLine;
using System.Globalization;
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
        var result = new PoliciesResult
        {
            Policies = [.. policies.Select(p => new PolicyListing
            {
                Name = p.Name,
                Description = p.Description,
                Budget = p.Budget,
                Stages = p.Stages,
                Assembly = p.Assembly,
            })],
        };
        output.WriteLine(JsonSerializer.Serialize(result, FmemJsonContext.Default.PoliciesResult));
    }
}

internal sealed class PoliciesResult
{
    public required IReadOnlyList<PolicyListing> Policies { get; init; }
}

internal sealed class PolicyListing
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required int? Budget { get; init; }

    public required IReadOnlyList<string> Stages { get; init; }

    public required string Assembly { get; init; }
}

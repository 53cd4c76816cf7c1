using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FiniteMemory.Policies;

namespace FiniteMemory.Cli.Tests;

/// <summary><c>fmem policies</c> lists what the generated registries registered, and replay resolves names only there.</summary>
[NotInParallel]
public class PoliciesCommandTests
{
    [Test]
    public async Task Policies_lists_every_registered_policy_with_its_stages_and_budget()
    {
        var result = await Fmem.RunAsync("policies");

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        await Assert.That(result.Stderr).IsEqualTo(string.Empty);
        // Names are padded to the longest one (another test of this class registers a longer name, in either order).
        foreach (var policy in MemoryPolicies.All)
        {
            await Assert.That(Regex.IsMatch(result.Stdout, "^" + Regex.Escape(policy.Name) + " {2,}" + Regex.Escape(policy.Description) + "$", RegexOptions.Multiline)).IsTrue().Because(policy.Name);
            await Assert.That(result.Stdout).Contains("stages: " + string.Join(" → ", policy.Stages));
        }

        await Assert.That(result.Stdout).Contains("sliding");
        await Assert.That(result.Stdout).Contains("stages: KeepRecent");
        await Assert.That(result.Stdout).Contains("budget: set by the caller (--budget) · declared in FiniteMemory.Core");
    }

    [Test]
    public async Task Policies_json_is_one_object_with_one_entry_per_registered_policy()
    {
        var result = await Fmem.RunAsync("policies", "--json");

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        var policies = JsonNode.Parse(result.Stdout)!["policies"]!.AsArray();
        await Assert.That(policies.Count).IsEqualTo(MemoryPolicies.All.Count);

        var sliding = policies.Single(p => (string?)p!["name"] == "sliding")!;
        await Assert.That((string?)sliding["description"]).IsEqualTo(SlidingPolicy.Instance.Description);
        await Assert.That(sliding["budget"]).IsNull();
        await Assert.That(sliding["stages"]!.AsArray().Select(s => (string)s!).ToArray()).IsEquivalentTo(new[] { "KeepRecent" });
        await Assert.That((string?)sliding["assembly"]).IsEqualTo("FiniteMemory.Core");
    }

    [Test]
    public async Task An_unknown_policy_lists_the_registered_ones_and_points_to_fmem_policies()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        var result = await Fmem.RunAsync("replay", path, "--budget", "1000", "--policy", "lru");

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError);
        await Assert.That(result.Stderr).Contains("unknown policy 'lru'");
        await Assert.That(result.Stderr).Contains(string.Join(", ", MemoryPolicies.Names));
        await Assert.That(result.Stderr).Contains("fmem policies");
    }

    [Test]
    public async Task Without_a_budget_replay_uses_the_policys_own_or_says_it_needs_one()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        var missing = await Fmem.RunAsync("replay", path, "--policy", "sliding");
        await Assert.That(missing.ExitCode).IsEqualTo(FmemApp.InputError);
        await Assert.That(missing.Stderr).Contains("--budget is required: policy 'sliding' declares no budget of its own");

        // A policy that declares Budget = N is replayed with it.
        MemoryPolicies.Register(new PolicyRegistration("cli-test-budgeted", "sliding with a budget", 321, ["KeepRecent"], "FiniteMemory.Cli.Tests", () => new SlidingPolicy()));
        var budgeted = await Fmem.RunAsync("replay", path, "--policy", "cli-test-budgeted", "--json");
        await Assert.That(budgeted.ExitCode).IsEqualTo(0).Because(budgeted.ToString());
        await Assert.That((int?)JsonNode.Parse(budgeted.Stdout)!["budget"]).IsEqualTo(321);
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FiniteMemory.Cli.Tests;

/// <summary>
/// Runs a Native AOT build of fmem (path in the FMEM_BINARY environment variable) and checks that it prints what
/// the in-process (JIT) program prints: trimming and AOT must not change the output.
/// </summary>
public class NativeBinaryTests
{
    private const string Variable = "FMEM_BINARY";

    [Test]
    [Arguments(600, 4000)]
    [Arguments(100000, 20)]
    public async Task The_native_binary_prints_the_same_json_as_the_in_process_program(int budget, int lastUserWords)
    {
        var binary = Environment.GetEnvironmentVariable(Variable);
        Skip.When(string.IsNullOrWhiteSpace(binary), $"{Variable} is not set (set it to a Native AOT build of fmem to run this test)");
        await Assert.That(File.Exists(binary)).IsTrue().Because($"{Variable}={binary} must point to the fmem executable");

        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords));
        string[] args = ["replay", path, "--budget", budget.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json"];

        var native = await RunProcessAsync(binary!, args);
        var managed = await Fmem.RunAsync(args);

        await Assert.That(native.ExitCode).IsEqualTo(0).Because(native.ToString());
        await Assert.That(native.Stderr).IsEqualTo(string.Empty);
        await Assert.That(managed.ExitCode).IsEqualTo(0).Because(managed.ToString());
        var expected = JsonNode.Parse(ReplayTests.WithoutLatency(managed.Stdout));
        var actual = JsonNode.Parse(ReplayTests.WithoutLatency(native.Stdout));
        await Assert.That(JsonNode.DeepEquals(actual, expected)).IsTrue()
            .Because($"native:\n{actual?.ToJsonString()}\nin-process:\n{expected?.ToJsonString()}");
    }

    [Test]
    public async Task The_native_binary_prints_the_same_json_as_the_in_process_program_for_the_repository_sample()
    {
        var binary = Environment.GetEnvironmentVariable(Variable);
        Skip.When(string.IsNullOrWhiteSpace(binary), $"{Variable} is not set (set it to a Native AOT build of fmem to run this test)");
        var root = Fmem.RepositoryRoot();
        var sample = root is null ? null : Path.Combine(root, "samples", "trip-planner.jsonl");
        Skip.Unless(sample is not null && File.Exists(sample), "samples/trip-planner.jsonl is not in this checkout");
        string[] args = ["replay", sample!, "--budget", "4000", "--json"];

        var native = await RunProcessAsync(binary!, args);
        var managed = await Fmem.RunAsync(args);

        await Assert.That(native.ExitCode).IsEqualTo(0).Because(native.ToString());
        await Assert.That(managed.ExitCode).IsEqualTo(0).Because(managed.ToString());
        var expected = JsonNode.Parse(ReplayTests.WithoutLatency(managed.Stdout));
        var actual = JsonNode.Parse(ReplayTests.WithoutLatency(native.Stdout));
        await Assert.That(JsonNode.DeepEquals(actual, expected)).IsTrue()
            .Because($"native:\n{actual?.ToJsonString()}\nin-process:\n{expected?.ToJsonString()}");
    }

    [Test]
    public async Task The_native_binary_lists_the_same_policies_as_the_in_process_program()
    {
        var binary = Environment.GetEnvironmentVariable(Variable);
        Skip.When(string.IsNullOrWhiteSpace(binary), $"{Variable} is not set (set it to a Native AOT build of fmem to run this test)");

        // The registry is filled by generated module initializers; trimming and AOT must not lose any of it.
        var native = await RunProcessAsync(binary!, ["policies", "--json"]);
        var managed = await Fmem.RunAsync("policies", "--json");

        await Assert.That(native.ExitCode).IsEqualTo(0).Because(native.ToString());
        var actual = JsonNode.Parse(native.Stdout)!["policies"]!.AsArray();
        var expected = JsonNode.Parse(managed.Stdout)!["policies"]!.AsArray();
        foreach (var policy in expected)
        {
            await Assert.That(actual.Any(p => JsonNode.DeepEquals(p, policy))).IsTrue().Because($"native: {actual.ToJsonString()}\nin-process: {policy!.ToJsonString()}");
        }

        await Assert.That(actual.Any(p => (string?)p!["name"] == "sliding")).IsTrue();
    }

    [Test]
    public async Task The_native_binary_evaluates_and_generates_datasets_like_the_in_process_program()
    {
        var binary = Environment.GetEnvironmentVariable(Variable);
        Skip.When(string.IsNullOrWhiteSpace(binary), $"{Variable} is not set (set it to a Native AOT build of fmem to run this test)");

        // The dataset model and the results are written with source-generated JSON; trimming must not lose any of it.
        using var dir = new TempDirectory();
        var nativeFile = Path.Combine(dir.Path, "native.json");
        var managedFile = Path.Combine(dir.Path, "managed.json");
        string[] Args(string write) => ["eval", "--synthetic", "--seed", "2", "--conversations", "1", "--write", write, "--policy", "sliding", "--budget", "10%,3000", "--json"];

        var native = await RunProcessAsync(binary!, Args(nativeFile));
        var managed = await Fmem.RunAsync(Args(managedFile));

        await Assert.That(native.ExitCode).IsEqualTo(0).Because(native.ToString());
        await Assert.That(managed.ExitCode).IsEqualTo(0).Because(managed.ToString());
        await Assert.That(EvalDatasets.WithoutTiming(native.Stdout)).IsEqualTo(EvalDatasets.WithoutTiming(managed.Stdout));
        await Assert.That(File.ReadAllBytes(nativeFile)).IsEquivalentTo(File.ReadAllBytes(managedFile));

        var read = await RunProcessAsync(binary!, ["eval", nativeFile, "--policy", "sliding", "--budget", "10%,3000", "--json"]);
        await Assert.That(read.ExitCode).IsEqualTo(0).Because(read.ToString());
        await Assert.That(EvalDatasets.WithoutTiming(JsonNode.Parse(read.Stdout)!["results"]!.ToJsonString()))
            .IsEqualTo(EvalDatasets.WithoutTiming(JsonNode.Parse(managed.Stdout)!["results"]!.ToJsonString()));
    }

    [Test]
    public async Task The_native_binary_reports_bad_input_with_exit_code_2()
    {
        var binary = Environment.GetEnvironmentVariable(Variable);
        Skip.When(string.IsNullOrWhiteSpace(binary), $"{Variable} is not set (set it to a Native AOT build of fmem to run this test)");

        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));
        string[] args = ["replay", path, "--budget", "1000", "--policy", "lru"];

        var native = await RunProcessAsync(binary!, args);
        var managed = await Fmem.RunAsync(args);

        await Assert.That(native.ExitCode).IsEqualTo(2);
        await Assert.That(native.Stderr).IsEqualTo(managed.Stderr);
        await Assert.That(native.Stdout).IsEqualTo(string.Empty);
    }

    private static async Task<FmemResult> RunProcessAsync(string binary, string[] args)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new FmemResult(process.ExitCode, await stdout, await stderr);
    }
}

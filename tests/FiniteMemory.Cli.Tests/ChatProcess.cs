using System.Diagnostics;
using System.Text;
using FiniteMemory.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Cli.Tests;

/// <summary>Runs fmem as a child process (the Native AOT build in FMEM_BINARY when set, else fmem's own JIT build) with stdin piped.</summary>
internal static class ChatProcess
{
    /// <summary>
    /// The fmem to run. Not the copy next to the tests: this test project also references ASP.NET Core (for the fake
    /// server), so that copy's dependencies resolve against a framework fmem itself does not use.
    /// </summary>
    public static string Binary
    {
        get
        {
            if (Environment.GetEnvironmentVariable("FMEM_BINARY") is { Length: > 0 } native)
            {
                return native;
            }

            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
            var root = Fmem.RepositoryRoot() ?? throw new InvalidOperationException("The repository root was not found above the tests.");
            return Path.Combine(root, "aot-samples", "fmem", "bin", configuration, "net10.0", "fmem");
        }
    }

    /// <summary>How a test starts <paramref name="program"/>: every stream redirected, as UTF-8.</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    public static async Task<FmemResult> RunAsync(IEnumerable<string> args, IEnumerable<string> stdin, IReadOnlyDictionary<string, string?> environment)
    {
        var start = StartInfo(Binary, args);

        // The child sees only the keys the test gives it.
        foreach (var name in (string[])["OPENAI_API_KEY", "DEEPSEEK_API_KEY", "TOGETHER_API_KEY", "HF_TOKEN", "VLLM_API_KEY"])
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            foreach (var line in stdin)
            {
                await process.StandardInput.WriteLineAsync(line);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // fmem may refuse its arguments and exit before reading what the test would type (a bad model folder,
            // say): the pipe is then closed under us. What it printed and its exit code are what the test checks.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return new FmemResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A request's input tokens counted again, as FiniteMemory counts a window: every message plus the request framing.</summary>
    public static int Recount(FakeRequest request, ITokenCounter counter) =>
        request.Messages.Sum(m => counter.CountMessage(new ChatMessage(new ChatRole(m.Role), m.Content))) + counter.RequestOverhead;
}

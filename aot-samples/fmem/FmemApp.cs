using System.CommandLine;

namespace FiniteMemory.Cli;

/// <summary>The fmem command tree; <see cref="RunAsync"/> is the whole program, callable in-process by tests.</summary>
public static class FmemApp
{
    /// <summary>Exit code for bad input or usage (missing file, malformed line, unknown policy, bad budget).</summary>
    public const int InputError = 2;

    /// <summary>Exit code when a model call fails in a scripted <c>fmem chat</c> (authentication, timeout, a stream cut off).</summary>
    public const int BackendError = 3;

    /// <summary>
    /// Exit code when <c>fmem chat</c> is interrupted (SIGINT/Ctrl+C, or a canceled token in-process), 128 + SIGINT
    /// as shells report it: the interrupted turn is not saved (nor printed when scripted).
    /// </summary>
    public const int Interrupted = 130;

    /// <summary>Exit code when the fmem process is stopped by SIGTERM, 128 + SIGTERM as shells report it (otherwise as <see cref="Interrupted"/>).</summary>
    public const int Terminated = 143;

    /// <summary>Saves of a completed turn under way; the process does not exit in the middle of one after a signal.</summary>
    internal static int SavesInProgress;

    /// <summary>Reports bad input: one line on <paramref name="error"/>, exit code <see cref="InputError"/>.</summary>
    internal static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"fmem: error: {message}");
        return InputError;
    }

    /// <summary>Runs fmem with <paramref name="args"/>, writing to the given streams; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, null, output, error, cancellationToken);

    /// <summary>
    /// Runs fmem with <paramref name="args"/>, reading <c>fmem chat</c>'s messages from <paramref name="input"/>
    /// (scripted, one per line; null: the console, interactive when it is a terminal); returns the exit code.
    /// </summary>
    public static Task<int> RunAsync(string[] args, TextReader? input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, input, output, error, handleSignals: true, cancellationToken);

    /// <summary>
    /// As the public overload; with <paramref name="handleSignals"/> false, SIGINT and SIGTERM are left to the caller
    /// (the program, which tells them apart), which cancels <paramref name="cancellationToken"/> on either.
    /// </summary>
    internal static async Task<int> RunAsync(string[] args, TextReader? input, TextWriter output, TextWriter error, bool handleSignals, CancellationToken cancellationToken)
    {
        var root = new RootCommand("fmem: keep LLM conversations inside a token budget. Replays transcripts through FiniteMemory's memory policies, measures what they keep, and chats with a model through them.")
        {
            ReplayCommand.Create(output, error),
            EvalCommand.Create(output, error),
            ChatCommand.Create(input, output, error),
            PoliciesCommand.Create(output),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Usage errors are bad input like any other: one clear line each on stderr, exit code 2.
            foreach (var problem in parse.Errors)
            {
                error.WriteLine($"fmem: error: {problem.Message}");
            }

            error.WriteLine($"Run 'fmem {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(1))} --help' for usage.".Replace("  ", " ", StringComparison.Ordinal));
            return InputError;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        if (!handleSignals)
        {
            configuration.ProcessTerminationTimeout = null;
        }

        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}

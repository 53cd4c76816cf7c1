using System.Globalization;
using System.Text;
using FiniteMemory.Backends;
using FiniteMemory.Http;
using FiniteMemory.Local;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Cli;

/// <summary>Runs <c>fmem chat</c>: checks the arguments, opens the backend and the session, then one turn per input line.</summary>
internal static class ChatLoop
{
    public static async Task<int> RunAsync(ChatRequest request, TextReader input, bool interactive, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var setup = await SetUpAsync(request, error, cancellationToken).ConfigureAwait(false);
        if (setup.Failure is { } failure)
        {
            return failure;
        }

        using var client = setup.Client!;
        using var checkpointLock = setup.Lock;
        var session = setup.Session!;
        var chatOptions = new ChatOptions { Temperature = request.Temperature, MaxOutputTokens = request.MaxTokens };
        var status = request.Stats || interactive ? output : error;
        if (interactive)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fmem chat: {request.Backend} {request.Model}, policy {session.Options.Policy.Name}, budget {session.Options.Budget:N0} tokens ({session.TokenCounter.Name}). {(setup.Resumed > 0 ? $"Resumed {setup.Resumed} messages from {request.Checkpoint}. " : string.Empty)}End with Ctrl+D."));
        }

        while (true)
        {
            if (interactive)
            {
                output.Write("> ");
                output.Flush();
            }

            string? line;
            try
            {
                line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (line is null)
            {
                break;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var code = await TurnAsync(session, client, line, chatOptions, interactive, output, status, error, cancellationToken).ConfigureAwait(false);
            if (code != 0 && !interactive)
            {
                return code;
            }

            // A turn that completed is saved even when an interrupt arrives right after it: its answer was printed.
            if (code == 0 && request.Checkpoint is { } path)
            {
                Interlocked.Increment(ref FmemApp.SavesInProgress);
                try
                {
                    await session.SaveCheckpointAsync(path, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is CheckpointException or IOException or UnauthorizedAccessException)
                {
                    FmemApp.Fail(error, $"could not save checkpoint '{path}': {OneLine(ex is CheckpointException ? ex.Message : ExceptionText.Describe(ex))}");
                    if (!interactive)
                    {
                        return FmemApp.InputError;
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref FmemApp.SavesInProgress);
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        if (interactive)
        {
            output.WriteLine();
        }

        if (request.Stats)
        {
            WriteTotals(output, session.Stats);
        }

        return cancellationToken.IsCancellationRequested ? FmemApp.Interrupted : 0;
    }

    // One turn: the window goes to the model, the answer streams back. Returns 0, or the exit code of the failure
    // (the session is left as before the turn: MemorySession keeps nothing of a failed stream).
    private static async Task<int> TurnAsync(MemorySession session, IChatClient client, string line, ChatOptions chatOptions, bool interactive, TextWriter output, TextWriter status, TextWriter error, CancellationToken cancellationToken)
    {
        // Scripted use prints an answer only once it is complete, so a stream cut off mid-way prints no half answer.
        var answer = new StringBuilder();
        var printed = false;
        try
        {
            await foreach (var update in session.ChatStreamingAsync(line, chatOptions, cancellationToken).ConfigureAwait(false))
            {
                if (string.IsNullOrEmpty(update.Text))
                {
                    continue;
                }

                if (interactive)
                {
                    output.Write(update.Text);
                    output.Flush();
                    printed = true;
                }
                else
                {
                    answer.Append(update.Text);
                }
            }
        }
        catch (MemoryBudgetException ex)
        {
            return FmemApp.Fail(error, OneLine(ex.Message));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (printed)
            {
                output.WriteLine();
            }

            // Interrupted: nothing of the turn was kept, and a script must not take it for a completed turn.
            return FmemApp.Interrupted;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (printed)
            {
                output.WriteLine();
            }

            // Backend errors name their provider; anything else a backend throws is prefixed with it.
            var what = ex is BackendHttpException ? OneLine(ex.Message) : $"{client.Describe()}: {OneLine(MessageOf(ex))}";
            error.WriteLine($"fmem: error: {what}{(interactive ? " (nothing of this turn was remembered; try again)" : string.Empty)}");
            return FmemApp.BackendError;
        }

        if (interactive)
        {
            output.WriteLine();
        }
        else
        {
            output.WriteLine(answer.ToString());
        }

        if (session.LastWindow is { } window)
        {
            status.WriteLine(StatusLine(window, session.Options.ReserveTokens));
        }

        output.Flush();
        return 0;
    }

    /// <summary>The one-line memory status of a turn: what the request counted against the budget, and what the window kept, evicted and summarized.</summary>
    internal static string StatusLine(ContextWindow window, int reserve)
    {
        var stats = window.Stats;
        var used = (long)window.Tokens + window.Budget - window.Available - reserve;
        var kept = stats.MessagesSeen - stats.Evicted;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[memory] {used:N0}/{window.Budget:N0} tokens · {kept:N0} kept · {stats.Evicted:N0} evicted · {window.Report.Summarized.Count:N0} summarized{(stats.Fallback is null ? string.Empty : " · fell back to sliding")}");
    }

    private static void WriteTotals(TextWriter output, MemoryStats stats) =>
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[session] {stats.Turns:N0} turns · {stats.ProviderInputTokens:N0} input tokens reported · calibration {stats.CalibrationRatio:0.000} · {stats.Evictions:N0} evictions · {stats.SummariesCreated:N0} summaries · {stats.CacheHits:N0} cache hits ({stats.CachedInputTokens:N0} input tokens from cache)"));

    private static string Describe(this IChatClient client) =>
        client.GetService<ChatClientMetadata>() is { ProviderName: { } provider } ? provider : "backend";

    // An ArgumentException's message without the parameter name its Message appends (a local model's "the prompt
    // does not fit its context" names the parameter, which means nothing to a CLI user); a framework exception in
    // our own words (this AOT build has no framework message text, only resource keys).
    private static string MessageOf(Exception ex)
    {
        if (ex is ArgumentException { ParamName: { Length: > 0 } name })
        {
            var suffix = new ArgumentException(string.Empty, name).Message.Trim();
            if (suffix.Length > 0 && ex.Message.EndsWith(suffix, StringComparison.Ordinal))
            {
                return ex.Message[..^suffix.Length].TrimEnd();
            }
        }

        return ExceptionText.Describe(ex);
    }

    // An --endpoint that did not parse, as it may be echoed: without the user:password@ it may carry.
    private static string WithoutUserInfo(string endpoint)
    {
        var start = endpoint.IndexOf("//", StringComparison.Ordinal) is var slashes and >= 0 ? slashes + 2 : 0;
        var end = endpoint.IndexOfAny(['/', '?', '#'], start) is var stop and >= 0 ? stop : endpoint.Length;
        var at = end > start ? endpoint.LastIndexOf('@', end - 1, end - start) : -1;
        return at < 0 ? endpoint : string.Concat(endpoint.AsSpan(0, start), "[redacted]", endpoint.AsSpan(at));
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static async Task<Setup> SetUpAsync(ChatRequest request, TextWriter error, CancellationToken cancellationToken)
    {
        PolicyRegistration? policy;
        BackendRegistration? backend;
        try
        {
            if (!MemoryPolicies.TryGet(request.Policy, out policy))
            {
                return Setup.Fail(FmemApp.Fail(error, $"unknown policy '{request.Policy}'. Known policies: {string.Join(", ", MemoryPolicies.Names)} (see 'fmem policies')."));
            }

            if (!ChatBackends.TryGet(request.Backend, out backend))
            {
                return Setup.Fail(FmemApp.Fail(error, $"unknown backend '{request.Backend}'. Known backends: {string.Join(", ", ChatBackends.Names)}."));
            }
        }
        catch (InvalidOperationException ex)
        {
            return Setup.Fail(FmemApp.Fail(error, ex.Message));
        }

        var budget = request.Budget ?? policy.Budget;
        if (budget is null)
        {
            return Setup.Fail(FmemApp.Fail(error, $"--budget is required: policy '{policy.Name}' declares no budget of its own. Pass --budget N (tokens)."));
        }

        if (budget <= 0 || budget > MemoryOptions.MaxBudget)
        {
            return Setup.Fail(FmemApp.Fail(error, string.Create(CultureInfo.InvariantCulture, $"--budget must be a positive number of tokens, at most {MemoryOptions.MaxBudget} (got {budget}).")));
        }

        if (request.Reserve < 0 || request.Reserve >= budget)
        {
            return Setup.Fail(FmemApp.Fail(error, string.Create(CultureInfo.InvariantCulture, $"--reserve must be at least 0 and smaller than --budget (got reserve {request.Reserve}, budget {budget}).")));
        }

        TokenizerPreset? tokenizer = null;
        if (request.Tokenizer is not null)
        {
            if (!TokenizerPresets.TryParse(request.Tokenizer, out var parsed))
            {
                return Setup.Fail(FmemApp.Fail(error, $"unknown tokenizer '{request.Tokenizer}'. Known tokenizers: {string.Join(", ", TokenizerPresets.Names)}."));
            }

            tokenizer = parsed;
        }

        Uri? endpoint = null;
        if (request.Endpoint is not null && (!Uri.TryCreate(request.Endpoint, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            return Setup.Fail(FmemApp.Fail(error, $"--endpoint must be an absolute http(s) URL such as http://127.0.0.1:8080/v1 (got '{WithoutUserInfo(request.Endpoint)}')."));
        }

        if (request.Timeout is { } seconds && (!double.IsFinite(seconds) || seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds))
        {
            return Setup.Fail(FmemApp.Fail(error, string.Create(CultureInfo.InvariantCulture, $"--timeout must be a positive number of seconds (got {seconds}).")));
        }

        if (request.MaxTokens is <= 0)
        {
            return Setup.Fail(FmemApp.Fail(error, string.Create(CultureInfo.InvariantCulture, $"--max-tokens must be positive (got {request.MaxTokens}).")));
        }

        if (request.Temperature is { } temperature && (!float.IsFinite(temperature) || temperature < 0))
        {
            return Setup.Fail(FmemApp.Fail(error, string.Create(CultureInfo.InvariantCulture, $"--temperature must be 0 or more (got {temperature}).")));
        }

        FileStream? checkpointLock = null;
        if (request.Checkpoint is { } checkpointPath)
        {
            // Checked before any turn: a bad path would otherwise fail only after the first answer, losing it.
            if (CheckpointProblem(checkpointPath) is { } problem)
            {
                return Setup.Fail(FmemApp.Fail(error, problem));
            }

            if (!TryLockCheckpoint(checkpointPath, out checkpointLock, out var lockProblem))
            {
                return Setup.Fail(FmemApp.Fail(error, lockProblem));
            }
        }

        var done = false;
        try
        {
            var setup = await SetUpSessionAsync(request, policy, backend, budget.Value, tokenizer, endpoint, error, cancellationToken).ConfigureAwait(false);
            done = setup.Failure is null;
            return setup with { Lock = checkpointLock };
        }
        finally
        {
            if (!done)
            {
                checkpointLock?.Dispose();
            }
        }
    }

    // Why `path` cannot be a checkpoint, or null when it can: it needs a file name in an existing directory.
    private static string? CheckpointProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "--checkpoint needs a file name (got an empty one). Pass --checkpoint FILE, or leave it out to keep nothing.";
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"--checkpoint '{path}' is not a valid file name.";
        }

        if (Directory.Exists(full))
        {
            return $"--checkpoint '{path}' is a directory; name a file in it, such as '{Path.Combine(path, "session.json")}'.";
        }

        var directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
        {
            return $"--checkpoint '{path}': the directory '{directory}' does not exist. Create it first.";
        }

        return null;
    }

    // One fmem chat per checkpoint: a second process would otherwise overwrite the first one's turns. The lock is a
    // "FILE.lock" file beside the checkpoint (beside a symlink's target, which is what both processes would write),
    // held open exclusively for the whole session; the operating system releases it when the process ends, however.
    private static bool TryLockCheckpoint(string path, out FileStream? held, out string problem)
    {
        held = null;
        problem = string.Empty;
        var lockPath = Path.GetFullPath(path) + ".lock";
        try
        {
            var target = Path.GetFullPath(path);
            for (var hops = 0; hops < 40 && new FileInfo(target).LinkTarget is { } link; hops++)
            {
                target = Path.GetFullPath(link, Path.GetDirectoryName(target)!);
            }

            lockPath = target + ".lock";
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            held = new FileStream(lockPath, options);
            return true;
        }
        catch (IOException ex) when (IsLockConflict(ex))
        {
            problem = $"checkpoint '{path}' is in use by another process (its lock file '{lockPath}' is held). End the other fmem chat first, or use another --checkpoint file.";
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only file system, a full disk, a lock path that is a directory or a broken link: not another process.
            problem = $"checkpoint '{path}' cannot be locked: its lock file '{lockPath}' cannot be opened ({ExceptionText.Describe(ex)}). Check the folder's permissions and free space, or use another --checkpoint file.";
            return false;
        }
    }

    // The error an exclusive open gives when another handle holds the file: a sharing or lock violation on Windows,
    // EWOULDBLOCK from flock elsewhere (11 on Linux, 35 on macOS and the BSDs). Subclasses such as
    // FileNotFoundException are never a conflict.
    private static bool IsLockConflict(IOException ex)
    {
        if (ex.GetType() != typeof(IOException))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return (ex.HResult & 0xFFFF) is 32 or 33;
        }

        return ex.HResult == (OperatingSystem.IsLinux() ? 11 : 35);
    }

    private static async Task<Setup> SetUpSessionAsync(ChatRequest request, PolicyRegistration policy, BackendRegistration backend, int budgetTokens, TokenizerPreset? tokenizer, Uri? endpoint, TextWriter error, CancellationToken cancellationToken)
    {
        int? budget = budgetTokens;
        if (!Embedders.IsAvailable(request.Embedder, request.ModelDirectory, out var embedderProblem))
        {
            return Setup.Fail(FmemApp.Fail(error, embedderProblem));
        }

        string? key = null;
        if (request.ApiKeyVariable is { } variable)
        {
            key = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(key))
            {
                return Setup.Fail(FmemApp.Fail(error, $"--api-key-env names the environment variable {variable}, but it is not set."));
            }

            try
            {
                // Checked here so that the error names the variable, not the setting fmem passes the key in.
                key = ApiKeys.Validate(key, request.Backend, variable);
            }
            catch (BackendConfigurationException ex)
            {
                return Setup.Fail(FmemApp.Fail(error, OneLine(ex.Message)));
            }
        }

        var starting = Embedders.StartAsync(request.Embedder, request.ModelDirectory, cancellationToken);
        IChatClient client;
        try
        {
            client = backend.Create(new BackendSettings
            {
                Model = request.Model,
                Endpoint = endpoint,
                ApiKey = key,
                Timeout = request.Timeout is { } s ? TimeSpan.FromSeconds(s) : null,
            });
        }
        catch (Exception ex) when (ex is BackendConfigurationException or DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
        {
            // A local backend's model folder that is missing, incomplete or invalid: the message names the file.
            return Setup.Fail(FmemApp.Fail(error, OneLine(ex.Message)));
        }

        try
        {
            // A local model's context holds the window and the reply: refuse a budget it cannot hold before the first turn.
            if (client.GetService<ICausalLanguageModel>() is { } local)
            {
                var positions = local.Config.MaxPositions;
                var reply = request.MaxTokens ?? 0;
                if ((long)budget.Value + reply > positions)
                {
                    client.Dispose();
                    var limit = reply > 0 ? string.Create(CultureInfo.InvariantCulture, $" plus --max-tokens {reply}") : string.Empty;
                    return Setup.Fail(FmemApp.Fail(error, string.Create(CultureInfo.InvariantCulture, $"--budget {budget}{limit} is more than the model's context of {positions} positions. Lower --budget to at most {Math.Max(positions - reply, 0)}{(reply > 0 ? " (or lower --max-tokens)" : string.Empty)}.")));
                }
            }

            // The backend knows the vocabulary closest to its models' (OpenAI: o200k); a local model counts with its own
            // tokenizer; --tokenizer overrides both.
            var counter = tokenizer is null && client.GetService<Microsoft.ML.Tokenizers.Tokenizer>() is { } own
                ? TokenCounter.FromTokenizer(own, $"{request.Backend}:{client.GetService<ChatClientMetadata>()?.DefaultModelId ?? request.Model}")
                : await Task.Run(() => TokenCounter.For(tokenizer ?? (client.GetService(typeof(TokenizerPreset)) as TokenizerPreset?) ?? TokenizerPreset.O200k), cancellationToken).ConfigureAwait(false);
            var (embedder, failure) = await starting.ConfigureAwait(false);
            if (failure is not null)
            {
                client.Dispose();
                return Setup.Fail(FmemApp.Fail(error, failure));
            }

            var session = new MemorySession(client, new MemoryOptions
            {
                Budget = budget.Value,
                ReserveTokens = request.Reserve,
                Policy = policy.Create(),
                TokenCounter = counter,
                Embedder = embedder,
            });

            if (request.Checkpoint is { } path && File.Exists(path))
            {
                await session.RestoreCheckpointAsync(path, cancellationToken).ConfigureAwait(false);
            }

            var resumed = session.Transcript.Count;

            if (!string.IsNullOrWhiteSpace(request.System))
            {
                var existing = session.Transcript.FirstOrDefault(e => e.Message.Role == ChatRole.System);
                if (existing is null)
                {
                    session.AddSystem(request.System);
                }
                else if (existing.Message.Text != request.System)
                {
                    error.WriteLine("fmem: note: the checkpoint already has a system prompt; --system is ignored for this conversation.");
                }
            }

            return new Setup(client, session, null) { Resumed = resumed };
        }
        catch (CheckpointException ex)
        {
            client.Dispose();
            return Setup.Fail(FmemApp.Fail(error, OneLine(ex.Message)));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private sealed record Setup(IChatClient? Client, MemorySession? Session, int? Failure)
    {
        /// <summary>The checkpoint's lock, held until the session ends.</summary>
        public FileStream? Lock { get; init; }

        /// <summary>How many messages the checkpoint brought back.</summary>
        public int Resumed { get; init; }

        public static Setup Fail(int code) => new(null, null, code);
    }
}

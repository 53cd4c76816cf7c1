using FiniteMemory.Fakes;

namespace FiniteMemory.Cli.Tests;

/// <summary>
/// <c>fmem chat --checkpoint</c> (issue 20, items 8 and 9): a bad path is refused before any turn, a checkpoint held
/// by another process is refused at start, and an interrupted scripted turn exits non-zero and saves nothing.
/// </summary>
public class ChatCheckpointTests
{
    private const string KeyVariable = "FMEM_CHAT_CHECKPOINT_TESTS_KEY";
    private const string Key = "sk-checkpoint-tests-1a2b3c4d5e6f";

    static ChatCheckpointTests() => Environment.SetEnvironmentVariable(KeyVariable, Key);

    [Test]
    public async Task An_empty_checkpoint_path_is_an_input_error_before_any_turn()
    {
        await using var server = await FakeOpenAIServer.StartAsync();

        var result = await Fmem.RunAsync([.. Args(server), "--checkpoint", ""], ["hello"]);

        await Assert.That(result.ExitCode).IsEqualTo(2).Because(result.ToString());
        await Assert.That(result.Stderr).Contains("--checkpoint needs a file name");
        await Assert.That(result.Stderr).DoesNotContain("   at ");
        await Assert.That(result.Stdout).IsEmpty();
        await Assert.That(server.ChatRequests.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_directory_as_the_checkpoint_is_an_input_error_before_any_turn()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var dir = new TempDirectory();

        var result = await Fmem.RunAsync([.. Args(server), "--checkpoint", dir.Path], ["hello"]);

        await Assert.That(result.ExitCode).IsEqualTo(2).Because(result.ToString());
        await Assert.That(result.Stderr).Contains("is a directory");
        await Assert.That(server.ChatRequests.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_checkpoint_in_a_missing_directory_is_an_input_error_before_any_turn()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var dir = new TempDirectory();

        var result = await Fmem.RunAsync([.. Args(server), "--checkpoint", Path.Combine(dir.Path, "gone", "c.json")], ["hello"]);

        await Assert.That(result.ExitCode).IsEqualTo(2).Because(result.ToString());
        await Assert.That(result.Stderr).Contains("does not exist");
        await Assert.That(server.ChatRequests.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_checkpoint_held_by_another_process_is_refused_at_start_and_left_untouched()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var dir = new TempDirectory();
        var checkpoint = Path.Combine(dir.Path, "c.json");
        var first = await Fmem.RunAsync([.. Args(server), "--checkpoint", checkpoint], ["first message"]);
        await Assert.That(first.ExitCode).IsEqualTo(0).Because(first.ToString());
        var saved = await File.ReadAllTextAsync(checkpoint);
        var requests = server.ChatRequests.Count;

        // What a running fmem chat holds for its whole session.
        using (new FileStream(checkpoint + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var second = await Fmem.RunAsync([.. Args(server), "--checkpoint", checkpoint], ["second message"]);

            await Assert.That(second.ExitCode).IsEqualTo(2).Because(second.ToString());
            await Assert.That(second.Stderr).Contains("in use by another process");
        }

        await Assert.That(server.ChatRequests.Count).IsEqualTo(requests);
        await Assert.That(await File.ReadAllTextAsync(checkpoint)).IsEqualTo(saved);

        // Once the other process ends, the checkpoint is usable again.
        var third = await Fmem.RunAsync([.. Args(server), "--checkpoint", checkpoint], ["third message"]);
        await Assert.That(third.ExitCode).IsEqualTo(0).Because(third.ToString());
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_lock_file_that_cannot_be_opened_is_reported_as_such_not_as_another_process()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var dir = new TempDirectory();
        var checkpoint = Path.Combine(dir.Path, "c.json");

        // Opening it fails (too many levels of symbolic links) for a reason that is not a lock held by anyone.
        File.CreateSymbolicLink(checkpoint + ".lock", checkpoint + ".lock");
        var result = await Fmem.RunAsync([.. Args(server), "--checkpoint", checkpoint], ["hello"]);

        await Assert.That(result.ExitCode).IsEqualTo(2).Because(result.ToString());
        await Assert.That(result.Stderr).Contains($"checkpoint '{checkpoint}' cannot be locked: its lock file '{checkpoint}.lock' cannot be opened (");
        await Assert.That(result.Stderr).DoesNotContain("in use by another process");
        await Assert.That(result.Stderr).DoesNotContain("   at ");
        await Assert.That(server.ChatRequests.Count).IsEqualTo(0);
        await Assert.That(File.Exists(checkpoint)).IsFalse();
    }

    [Test]
    public async Task An_interrupted_scripted_turn_exits_130_prints_no_half_answer_and_leaves_the_checkpoint_untouched()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var dir = new TempDirectory();
        var checkpoint = Path.Combine(dir.Path, "c.json");
        var first = await Fmem.RunAsync([.. Args(server), "--checkpoint", checkpoint], ["first message"]);
        await Assert.That(first.ExitCode).IsEqualTo(0).Because(first.ToString());
        var saved = await File.ReadAllTextAsync(checkpoint);

        // The signal handler cancels this token (System.CommandLine on SIGINT/SIGTERM); here it fires mid-answer.
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(FakeOpenAIServer.StallingStream(stalled));
        using var interrupt = new CancellationTokenSource();
        _ = stalled.Task.ContinueWith(_ => interrupt.Cancel(), TaskScheduler.Default);
        using var stdin = new StringReader("interrupted message\nnever sent\n");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await FmemApp.RunAsync([.. Args(server), "--checkpoint", checkpoint], stdin, stdout, stderr, interrupt.Token).WaitAsync(TimeSpan.FromSeconds(60));

        await Assert.That(code).IsEqualTo(FmemApp.Interrupted).Because(stderr.ToString());
        await Assert.That(stdout.ToString()).DoesNotContain("Partial");
        await Assert.That(await File.ReadAllTextAsync(checkpoint)).IsEqualTo(saved);
        await Assert.That(server.ChatRequests.Count).IsEqualTo(2);
    }

    private static string[] Args(FakeOpenAIServer server) =>
        ["chat", "--backend", "openai", "--endpoint", server.BaseUrl.ToString(), "--model", "gpt-test", "--budget", "800", "--api-key-env", KeyVariable, "--timeout", "60"];
}

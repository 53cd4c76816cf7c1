using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text;
using FiniteMemory.Fakes;

namespace FiniteMemory.Cli.Tests;

/// <summary>
/// The fmem process stopped mid-turn by a signal (review of issue 20, finding J): SIGTERM exits 143 and SIGINT 130,
/// as shells report a process those signals end, and the checkpoint keeps the turn completed before the signal and
/// nothing of the one it stopped.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ChatSignalTests
{
    private const string Key = "sk-signal-7d21";

    [Test]
    [Arguments("TERM", FmemApp.Terminated)]
    [Arguments("INT", FmemApp.Interrupted)]
    public async Task A_scripted_chat_stopped_mid_answer_exits_with_128_plus_the_signal_and_saves_only_the_turn_before_it(string signal, int expected)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(server.DefaultAsync);
        server.Enqueue(FakeOpenAIServer.StallingStream(stalled));
        var directory = Path.Combine(Path.GetTempPath(), "fm-signal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var checkpoint = Path.Combine(directory, "c.json");
            // Through env: a child started by a non-interactive shell's background job inherits SIGINT (and may inherit
            // SIGTERM) as ignored, and .NET then never sees the signal; --default-signal restores the default disposition.
            var start = ChatProcess.StartInfo("env", ["--default-signal=INT,TERM", ChatProcess.Binary, "chat", "--backend", "openai", "--endpoint", server.BaseUrl.ToString(), "--model", "gpt-test", "--budget", "800", "--checkpoint", checkpoint]);

            start.Environment["OPENAI_API_KEY"] = Key;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                // Stdin stays open: only the signal ends this session. The first turn completes (and is saved before
                // fmem reads the next line), the second stalls mid-answer.
                await process.StandardInput.WriteLineAsync("Tell me a short fact.");
                await process.StandardInput.WriteLineAsync("Tell me a long story.");
                await process.StandardInput.FlushAsync();
                await stalled.Task.WaitAsync(guard.Token);

                using (var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
                {
                    await kill.WaitForExitAsync(guard.Token);
                }

                await process.WaitForExitAsync(guard.Token);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }

            await Assert.That(process.ExitCode).IsEqualTo(expected).Because(await stderr);
            await Assert.That(await stdout).Contains("Answer 0: noted.");
            await Assert.That(await stdout).DoesNotContain("Partial");
            var entries = JsonNode.Parse(await File.ReadAllTextAsync(checkpoint))!["entries"]!.AsArray();
            var messages = entries.Select(e => e!["message"]!.ToJsonString()).ToList();
            await Assert.That(messages.Count).IsEqualTo(2).Because(string.Join("\n", messages));
            await Assert.That(messages[0]).Contains("Tell me a short fact.");
            await Assert.That(messages[1]).Contains("Answer 0: noted.");
            await Assert.That(string.Concat(messages)).DoesNotContain("long story");
            await Assert.That(string.Concat(messages)).DoesNotContain("Partial");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

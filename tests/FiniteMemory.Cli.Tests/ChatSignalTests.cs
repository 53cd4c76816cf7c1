using System.Diagnostics;
using System.Text;
using FiniteMemory.Fakes;

namespace FiniteMemory.Cli.Tests;

/// <summary>
/// The fmem process stopped mid-turn by a signal (review of issue 20, finding J): SIGTERM exits 143 and SIGINT 130,
/// as shells report a process those signals end, and the checkpoint keeps only completed turns either way.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ChatSignalTests
{
    private const string Key = "sk-signal-7d21";

    [Test]
    [Arguments("TERM", FmemApp.Terminated)]
    [Arguments("INT", FmemApp.Interrupted)]
    public async Task A_scripted_chat_stopped_mid_answer_exits_with_128_plus_the_signal_and_saves_nothing_of_the_turn(string signal, int expected)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(FakeOpenAIServer.StallingStream(TimeSpan.FromSeconds(60), stalled));
        var directory = Path.Combine(Path.GetTempPath(), "fm-signal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var checkpoint = Path.Combine(directory, "c.json");
            var start = new ProcessStartInfo(ChatProcess.Binary)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (var arg in (string[])["chat", "--backend", "openai", "--endpoint", server.BaseUrl.ToString(), "--model", "gpt-test", "--budget", "800", "--checkpoint", checkpoint])
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["OPENAI_API_KEY"] = Key;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                // Stdin stays open: only the signal ends this session.
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
            await Assert.That(await stdout).DoesNotContain("Partial");
            await Assert.That(File.Exists(checkpoint)).IsFalse();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

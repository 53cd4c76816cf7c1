namespace FiniteMemory.Cli.Tests;

/// <summary>
/// <c>--model-dir</c>: where <c>--embedder minilm</c> reads all-MiniLM-L6-v2 instead of models/all-MiniLM-L6-v2 beside
/// fmem, offered by every command that takes <c>--embedder</c>.
/// </summary>
public class ModelDirectoryTests
{
    [Test]
    [Arguments("replay")]
    [Arguments("eval")]
    [Arguments("chat")]
    public async Task Model_dir_with_another_embedder_exits_with_2_and_says_it_applies_only_to_minilm(string command)
    {
        using var dir = new TempDirectory();

        var result = await RunAsync(command, dir, ["--model-dir", dir.Path]);

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
        await Assert.That(result.Stdout).IsEqualTo(string.Empty);
        await Assert.That(result.Stderr).IsEqualTo("fmem: error: --model-dir applies only to --embedder minilm (the embedder is 'none')." + Environment.NewLine);
    }

    [Test]
    [Arguments("replay", false)]
    [Arguments("replay", true)]
    [Arguments("eval", false)]
    [Arguments("chat", false)]
    public async Task A_model_dir_without_the_model_exits_with_2_in_one_line_naming_the_folder_and_how_to_get_the_model(string command, bool folderExists)
    {
        using var dir = new TempDirectory();
        var folder = Path.Combine(dir.Path, "models");
        if (folderExists)
        {
            Directory.CreateDirectory(folder);
        }

        var result = await RunAsync(command, dir, ["--embedder", "minilm", "--model-dir", folder]);

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
        await Assert.That(result.Stdout).IsEqualTo(string.Empty);
        await Assert.That(result.Stderr).IsEqualTo(
            $"fmem: error: embedder 'minilm' found no all-MiniLM-L6-v2 model in '{folder}' ({(folderExists ? "no model.onnx" : "the folder does not exist")}). Put models/all-MiniLM-L6-v2 beside fmem ('dotnet publish aot-samples/fmem' and the FiniteMemory.Cli tool both do), or pass --model-dir DIR holding model.onnx and vocab.txt." + Environment.NewLine);
    }

    [Test]
    public async Task A_model_dir_holding_a_copy_of_the_model_gives_the_window_of_the_model_beside_fmem()
    {
        using var dir = new TempDirectory();
        var copy = Path.Combine(dir.Path, "all-MiniLM-L6-v2");
        Directory.CreateDirectory(copy);
        foreach (var file in (string[])["model.onnx", "vocab.txt"])
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "models", "all-MiniLM-L6-v2", file), Path.Combine(copy, file));
        }

        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));
        string[] args = ["replay", path, "--budget", "600", "--policy", "semantic", "--embedder", "minilm", "--json"];

        var besideFmem = await Fmem.RunAsync(args);
        var fromCopy = await Fmem.RunAsync([.. args, "--model-dir", copy]);

        await Assert.That(besideFmem.ExitCode).IsEqualTo(0).Because(besideFmem.ToString());
        await Assert.That(fromCopy.ExitCode).IsEqualTo(0).Because(fromCopy.ToString());
        await Assert.That(ReplayTests.WithoutLatency(fromCopy.Stdout)).IsEqualTo(ReplayTests.WithoutLatency(besideFmem.Stdout));
    }

    // Each command with valid input of its own, so that only the embedder options can fail it (chat fails before it
    // would talk to its backend).
    private static Task<FmemResult> RunAsync(string command, TempDirectory dir, string[] options) => command switch
    {
        "replay" => Fmem.RunAsync(["replay", dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20)), "--budget", "1000", .. options]),
        "eval" => Fmem.RunAsync(["eval", dir.Write("d.json", [EvalDatasets.Valid]), "--policy", "sliding", "--budget", "10%", .. options]),
        "chat" => Fmem.RunAsync(["chat", "--backend", "ollama", "--model", "m", "--budget", "500", .. options], ["hello"]),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "replay, eval or chat"),
    };
}

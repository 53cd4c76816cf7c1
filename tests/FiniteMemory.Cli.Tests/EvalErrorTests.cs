namespace FiniteMemory.Cli.Tests;

public class EvalErrorTests
{
    [Test]
    public async Task A_missing_dataset_file_exits_with_2_and_names_the_file()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "nowhere.json");

        await AssertInputErrorAsync(["eval", path, "--policy", "sliding", "--budget", "10%"], "does not exist", path);
    }

    [Test]
    public async Task Malformed_json_exits_with_2_and_names_the_file_line_and_position()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("bad.json", [EvalDatasets.With("\"session\":2},", "\"session\":2}")]);

        await AssertInputErrorAsync(["eval", path, "--policy", "sliding", "--budget", "10%"], path, "invalid JSON at line 6, byte position 3", "Expected either ','");
    }

    [Test]
    [Arguments("\"id\":\"D2:1\"", "\"id\":\"D1:1\"", "conversation 'c1': turn id 'D1:1' is used by turns #1 and #3")]
    [Arguments("\"evidence\":[\"D2:1\"]", "\"evidence\":[\"D9:9\"]", "conversation 'c1', question 'q2': evidence 'D9:9' is not a turn of the conversation")]
    [Arguments("\"evidence\":[\"D2:1\"]", "\"evidence\":[]", "conversation 'c1', question 'q2' has no evidence")]
    [Arguments("\"text\":\"Good luck with the boxes.\"", "\"text\":\"\"", "conversation 'c1', turn 'D2:2' has an empty \"text\"")]
    [Arguments("\"role\":\"assistant\",\"text\":\"Good luck", "\"role\":\"narrator\",\"text\":\"Good luck", "turn 'D2:2' has the role 'narrator'")]
    [Arguments("{\"id\":\"c2\"", "{\"id\":\"c1\"", "conversation id 'c1' is used by conversations #1 and #2")]
    public async Task An_invalid_dataset_exits_with_2_and_names_the_conversation_question_and_id(string from, string to, string problem)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("invalid.json", [EvalDatasets.With(from, to)]);

        await AssertInputErrorAsync(["eval", path, "--policy", "sliding", "--budget", "10%"], path, problem);
    }

    [Test]
    public async Task An_unknown_policy_exits_with_2_and_lists_the_known_policies()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("valid.json", [EvalDatasets.Valid]);

        await AssertInputErrorAsync(["eval", path, "--policy", "sliding,lru", "--budget", "10%"], "unknown policy 'lru'", "Known policies: ", "sliding");
    }

    [Test]
    [Arguments("--budget=0", "budget '0' must be a positive number of tokens")]
    [Arguments("--budget=-5", "budget '-5' must be a positive number of tokens")]
    [Arguments("--budget=0%", "budget '0%' is not a valid percentage")]
    [Arguments("--budget=150%", "budget '150%' is not a valid percentage")]
    [Arguments("--budget=ten%", "budget 'ten%' is not a percentage")]
    [Arguments("--budget=lots", "budget 'lots' is neither a number of tokens")]
    [Arguments("--budget=,", "--budget names no budget")]
    public async Task A_bad_budget_exits_with_2_and_says_what_is_accepted(string budget, string problem)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("valid.json", [EvalDatasets.Valid]);

        await AssertInputErrorAsync(["eval", path, "--policy", "sliding", budget], "--budget", problem);
    }

    [Test]
    public async Task Synthetic_together_with_a_dataset_file_exits_with_2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("valid.json", [EvalDatasets.Valid]);

        await AssertInputErrorAsync(["eval", path, "--synthetic", "--policy", "sliding", "--budget", "10%"], "either a dataset file or --synthetic, not both");
    }

    [Test]
    public async Task Neither_a_dataset_file_nor_synthetic_exits_with_2()
    {
        await AssertInputErrorAsync(["eval", "--policy", "sliding", "--budget", "10%"], "no dataset", "--synthetic");
    }

    [Test]
    [Arguments("--seed", "7")]
    [Arguments("--conversations", "2")]
    [Arguments("--write", "out.json")]
    public async Task Generator_options_without_synthetic_exit_with_2(string option, string value)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("valid.json", [EvalDatasets.Valid]);

        await AssertInputErrorAsync(["eval", path, option, value, "--policy", "sliding", "--budget", "10%"], $"{option} only applies to a generated dataset");
    }

    [Test]
    public async Task Zero_conversations_exits_with_2()
    {
        await AssertInputErrorAsync(["eval", "--synthetic", "--conversations", "0", "--policy", "sliding", "--budget", "10%"], "--conversations must be at least 1");
    }

    [Test]
    public async Task A_dataset_that_cannot_be_written_exits_with_2()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "missing-directory", "out.json");

        await AssertInputErrorAsync(["eval", "--synthetic", "--conversations", "1", "--write", path, "--policy", "sliding", "--budget", "10%"], "cannot write the dataset", path);
    }

    [Test]
    public async Task An_unknown_embedder_exits_with_2_and_lists_the_known_ones()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("valid.json", [EvalDatasets.Valid]);

        await AssertInputErrorAsync(["eval", path, "--policy", "sliding", "--budget", "10%", "--embedder", "word2vec"], "unknown embedder 'word2vec'", "Known embedders: none, minilm");
    }

    [Test]
    public async Task An_unknown_tokenizer_exits_with_2_and_lists_the_known_ones()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("valid.json", [EvalDatasets.Valid]);

        await AssertInputErrorAsync(["eval", path, "--policy", "sliding", "--budget", "10%", "--tokenizer", "llama3"], "unknown tokenizer 'llama3'", "o200k");
    }

    [Test]
    [Arguments("--policy")]
    [Arguments("--budget")]
    public async Task A_missing_policy_or_budget_is_a_usage_error_with_exit_code_2(string missing)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("valid.json", [EvalDatasets.Valid]);
        var args = new List<string> { "eval", path, "--policy", "sliding", "--budget", "10%" };
        args.RemoveRange(args.IndexOf(missing), 2);

        var result = await Fmem.RunAsync([.. args]);

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
        await Assert.That(result.Stderr).Contains(missing);
    }

    private static async Task AssertInputErrorAsync(string[] args, params string[] fragments)
    {
        var result = await Fmem.RunAsync(args);

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
        await Assert.That(result.Stdout).IsEqualTo(string.Empty);
        await Assert.That(result.Stderr.TrimEnd('\n').Split('\n')).HasSingleItem().Because(result.Stderr);
        await Assert.That(result.Stderr).StartsWith("fmem: error: ");
        foreach (var fragment in fragments)
        {
            await Assert.That(result.Stderr).Contains(fragment);
        }
    }
}

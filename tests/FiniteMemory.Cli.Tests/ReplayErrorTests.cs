namespace FiniteMemory.Cli.Tests;

public class ReplayErrorTests
{
    [Test]
    public async Task A_missing_transcript_file_exits_with_2_and_names_the_file()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "nowhere.jsonl");

        var result = await AssertInputErrorAsync(["replay", path, "--budget", "1000"], "does not exist");

        await Assert.That(result.Stderr).Contains(path);
    }

    [Test]
    public async Task A_malformed_line_exits_with_2_and_names_the_file_and_line()
    {
        using var dir = new TempDirectory();
        var lines = Transcripts.Standard(lastUserWords: 20);
        lines.Insert(2, string.Empty);
        lines.Insert(3, """{"role":"user","content":"unterminated""");
        var path = dir.Write("bad.jsonl", lines);

        var result = await AssertInputErrorAsync(["replay", path, "--budget", "1000"], "line 4:", "not valid JSON");

        await Assert.That(result.Stderr).Contains(path);
    }

    [Test]
    [Arguments("""{"role":"robot","content":"beep"}""", "role 'robot' is unknown")]
    [Arguments("""{"role":"tool","tool_call_id":"nope","content":"x"}""", "answers tool call 'nope'")]
    [Arguments("""{"role":"user","content":"dup","id":"sys"}""", "already used on line 1")]
    public async Task An_invalid_message_exits_with_2_and_names_the_line(string badLine, string problem)
    {
        using var dir = new TempDirectory();
        var lines = Transcripts.Standard(lastUserWords: 20);
        lines.Add(badLine);
        var path = dir.Write("bad.jsonl", lines);

        await AssertInputErrorAsync(["replay", path, "--budget", "1000"], $"line {lines.Count}:", problem);
    }

    [Test]
    public async Task A_content_part_of_the_wrong_json_shape_exits_with_2_and_names_the_line()
    {
        // "image_url" given as a plain string instead of {"url": ...}: a user error in the file, so exit code 2 and
        // a message naming the line, not an unhandled exception.
        using var dir = new TempDirectory();
        var path = dir.Write("shape.jsonl",
        [
            """{"role":"system","content":"s"}""",
            """{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":"https://example.com/cat.png"}]}""",
        ]);

        await AssertInputErrorAsync(["replay", path, "--budget", "1000"], "line 2:");
    }

    [Test]
    public async Task An_unknown_policy_exits_with_2_and_lists_the_known_policies()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertInputErrorAsync(["replay", path, "--budget", "1000", "--policy", "lru"], "unknown policy 'lru'", "sliding");
    }

    [Test]
    public async Task An_unknown_tokenizer_exits_with_2_and_lists_the_known_tokenizers()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertInputErrorAsync(["replay", path, "--budget", "1000", "--tokenizer", "llama3"], "unknown tokenizer 'llama3'", "o200k", "cl100k", "gpt2");
    }

    [Test]
    [Arguments("0")]
    [Arguments("-5")]
    [Arguments("-100000")]
    public async Task A_budget_that_is_not_positive_exits_with_2(string budget)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertInputErrorAsync(["replay", path, "--budget", budget], "--budget", budget);
    }

    [Test]
    public async Task A_budget_given_with_an_equals_sign_that_is_negative_exits_with_2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertInputErrorAsync(["replay", path, "--budget=-5"], "--budget", "-5");
    }

    [Test]
    [Arguments("1000", "1000")]
    [Arguments("1000", "5000")]
    [Arguments("1000", "-1")]
    public async Task A_reserve_outside_zero_to_budget_exits_with_2(string budget, string reserve)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertInputErrorAsync(["replay", path, "--budget", budget, "--reserve", reserve], "--reserve", reserve, budget);
    }

    [Test]
    public async Task A_transcript_without_a_user_message_exits_with_2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("nouser.jsonl",
        [
            """{"role":"system","content":"You are helpful."}""",
            """{"role":"assistant","content":"Hello! How can I help?"}""",
        ]);

        await AssertInputErrorAsync(["replay", path, "--budget", "1000"], "no user message");
    }

    [Test]
    public async Task An_empty_transcript_exits_with_2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("empty.jsonl", [string.Empty]);

        await AssertInputErrorAsync(["replay", path, "--budget", "1000"], "no user message");
    }

    [Test]
    public async Task A_budget_smaller_than_the_system_and_pinned_messages_exits_with_2_and_gives_the_numbers()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        var result = await AssertInputErrorAsync(["replay", path, "--budget", "40"], "system and pinned messages need", "Raise the budget");

        await Assert.That(result.Stderr).Contains("budget 40");
    }

    [Test]
    public async Task A_budget_used_up_by_the_reserve_and_framing_exits_with_2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertInputErrorAsync(["replay", path, "--budget", "100", "--reserve", "98"], "used up before any message");
    }

    // FmemApp.InputError is documented as the exit code "for bad input or usage"; a command line that does not
    // parse is a usage error, so it must exit with 2 like every other bad input (System.CommandLine's default is 1).
    [Test]
    public async Task A_missing_budget_is_a_usage_error_with_exit_code_2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertUsageErrorAsync(["replay", path], "--budget");
    }

    [Test]
    public async Task A_budget_that_is_not_a_number_is_a_usage_error_with_exit_code_2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertUsageErrorAsync(["replay", path, "--budget", "lots"], "lots");
    }

    [Test]
    public async Task An_unknown_option_is_a_usage_error_with_exit_code_2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        await AssertUsageErrorAsync(["replay", path, "--budget", "1000", "--frobnicate"], "--frobnicate");
    }

    private static async Task AssertUsageErrorAsync(string[] args, string fragment)
    {
        var result = await Fmem.RunAsync(args);

        await Assert.That(result.Stderr).Contains(fragment);
        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
    }

    private static async Task<FmemResult> AssertInputErrorAsync(string[] args, params string[] fragments)
    {
        var result = await Fmem.RunAsync(args);

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
        await Assert.That(result.Stdout).IsEqualTo(string.Empty);
        await Assert.That(result.Stderr).IsNotEmpty();
        foreach (var fragment in fragments)
        {
            await Assert.That(result.Stderr).Contains(fragment);
        }

        return result;
    }
}

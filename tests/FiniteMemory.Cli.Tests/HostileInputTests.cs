using System.Text.Json;

namespace FiniteMemory.Cli.Tests;

/// <summary>Inputs from issue 20 that used to crash or overflow: lone surrogates, missing eval fields, huge sizes.</summary>
public class HostileInputTests
{
    [Test]
    public async Task A_lone_surrogate_in_a_transcript_line_is_replayed_with_a_replacement_character()
    {
        using var dir = new TempDirectory();
        var lines = Transcripts.Standard(lastUserWords: 20);

        // What JavaScript writes for an emoji cut in half: a high surrogate with no low one.
        lines.Insert(3, """{"role":"user","content":"a cut emoji \ud83d here","id":"cut1"}""");
        lines.Insert(4, """{"role":"assistant","content":"and a lone low one \ude00, then a name","name":"x\ud83d","id":"cut2"}""");
        var path = dir.Write("surrogate.jsonl", lines);

        var result = await Fmem.RunAsync("replay", path, "--budget", "100000", "--json");

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var kept = json.RootElement.GetProperty("report").GetProperty("kept").EnumerateArray().Select(static e => e.GetString()).ToList();
        await Assert.That(kept).Contains("cut1");
        await Assert.That(kept).Contains("cut2");
    }

    private const string Turns = """[{"id":"t1","role":"user","text":"My dog is Rex."},{"id":"t2","role":"assistant","text":"Nice."}]""";
    private const string Question = """{"id":"q1","question":"Dog name?","answer":"Rex","evidence":["t1"]}""";

    [Test]
    [Arguments("""{"conversations":null}""", "conversations")]
    [Arguments("""{"conversations":[null]}""", "conversation #1 is null")]
    [Arguments("""{"conversations":[{"id":"c1","turns":null,"questions":[QUESTION]}]}""", "turns")]
    [Arguments("""{"conversations":[{"id":"c1","turns":TURNS,"questions":null},{"id":"c2","turns":TURNS,"questions":[QUESTION]}]}""", "questions")]
    [Arguments("""{"conversations":[{"id":null,"turns":TURNS,"questions":[QUESTION]}]}""", "id")]
    [Arguments("""{"conversations":[{"id":"c1","turns":[null],"questions":[QUESTION]}]}""", "turn #1 is null")]
    [Arguments("""{"conversations":[{"id":"c1","turns":[{"id":"t1","role":null,"text":"x"}],"questions":[QUESTION]}]}""", "role")]
    [Arguments("""{"conversations":[{"id":"c1","turns":[{"id":"t1","role":"user","text":null}],"questions":[QUESTION]}]}""", "text")]
    [Arguments("""{"conversations":[{"id":"c1","turns":TURNS,"questions":[null]}]}""", "question #1 is null")]
    [Arguments("""{"conversations":[{"id":"c1","turns":TURNS,"questions":[{"id":"q1","question":null,"answer":"Rex","evidence":["t1"]}]}]}""", "question")]
    [Arguments("""{"conversations":[{"id":"c1","turns":TURNS,"questions":[{"id":"q1","question":"Q?","answer":null,"evidence":["t1"]}]}]}""", "answer")]
    [Arguments("""{"conversations":[{"id":"c1","turns":TURNS,"questions":[{"id":"q1","question":"Q?","answer":"Rex","evidence":null}]}]}""", "evidence")]
    [Arguments("""{"conversations":[{"id":"c1","turns":TURNS,"questions":[{"id":"q1","question":"Q?","answer":"Rex","evidence":[null]}]}]}""", "evidence")]
    public async Task A_null_field_in_an_eval_dataset_is_a_clear_error_naming_it(string template, string field)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("nulls.json", [template.Replace("TURNS", Turns, StringComparison.Ordinal).Replace("QUESTION", Question, StringComparison.Ordinal)]);

        var result = await Fmem.RunAsync("eval", path, "--policy", "sliding", "--budget", "10%");

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
        await Assert.That(result.Stderr).StartsWith("fmem: error: ");
        await Assert.That(result.Stderr).Contains(field);
        await Assert.That(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length).IsEqualTo(1).Because(result.Stderr);
    }

    [Test]
    public async Task A_conversation_without_questions_is_evaluated_with_the_questions_of_the_others()
    {
        using var dir = new TempDirectory();
        var dataset = """{"conversations":[{"id":"c1","turns":TURNS},{"id":"c2","turns":TURNS,"questions":[QUESTION]}]}"""
            .Replace("TURNS", Turns, StringComparison.Ordinal).Replace("QUESTION", Question, StringComparison.Ordinal);
        var path = dir.Write("no-questions.json", [dataset]);

        var result = await Fmem.RunAsync("eval", path, "--policy", "sliding", "--budget", "50%", "--json");

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        await Assert.That(json.RootElement.GetProperty("results")[0].GetProperty("questions").GetInt32()).IsEqualTo(1);
    }

    [Test]
    [Arguments("2147483647")]
    [Arguments("1001")]
    public async Task Too_many_synthetic_conversations_exit_with_2_naming_the_maximum_before_anything_is_generated(string count)
    {
        var result = await Fmem.RunAsync("eval", "--synthetic", "--conversations", count, "--policy", "sliding", "--budget", "10%");

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
        await Assert.That(result.Stderr).Contains("--conversations must be at least 1 and at most 1000");
    }

    [Test]
    [Arguments("replay")]
    [Arguments("eval")]
    [Arguments("chat")]
    public async Task A_budget_near_int_max_is_refused_naming_the_largest_accepted(string command)
    {
        using var dir = new TempDirectory();
        string[] args = command switch
        {
            "replay" => ["replay", dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20)), "--budget", "2147483647", "--reserve", "2147483000"],
            "eval" => ["eval", dir.Write("d.json", [EvalDatasets.Valid]), "--policy", "sliding", "--budget", "2147483647"],
            _ => ["chat", "--backend", "openai", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--budget", "2147483647", "--reserve", "2147483000"],
        };

        var result = await Fmem.RunAsync(args);

        await Assert.That(result.ExitCode).IsEqualTo(FmemApp.InputError).Because(result.ToString());
        await Assert.That(result.Stderr).Contains("at most 100000000");
        await Assert.That(System.Text.RegularExpressions.Regex.IsMatch(result.Stderr, @"(?<![-\w])-[0-9]")).IsFalse().Because("no negative number: " + result.Stderr);
    }
}

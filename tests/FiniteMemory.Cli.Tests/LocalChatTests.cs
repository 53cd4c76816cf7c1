using System.Globalization;
using System.Text.RegularExpressions;
using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;

namespace FiniteMemory.Cli.Tests;

/// <summary>
/// <c>fmem chat --backend onnx</c> end to end, offline: the program runs as a process (Native AOT in CI) over a tiny
/// random-weight GPT-2 exported to ONNX with a byte-level tokenizer, with scripted turns on stdin.
/// </summary>
public partial class LocalChatTests
{
    private const int Positions = 256;
    private const int MaxTokens = 8;
    private const int Budget = 160;

    private static readonly TinyModelSpec ByteModel = TinyModelSpec.Gpt2(seed: 7) with { Vocab = ByteLevelTokenizerJson.Vocabulary, EosTokenId = ByteLevelTokenizerJson.EndOfText, Positions = Positions };

    [Test]
    public async Task Six_scripted_turns_on_the_onnx_decoder_reuse_the_cache_and_keep_every_window_within_the_budget()
    {
        using var folder = Gpt2ModelFolder.Create(ByteModel, tokenizerJson: ByteLevelTokenizerJson.Create());
        var turns = Turns(6);

        var result = await ChatProcess.RunAsync(Args(folder.Path, Budget), turns, new Dictionary<string, string?>());

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());

        // --stats prints every turn's status line on stdout, after that turn's answer, and the totals last. The
        // random-weight model may answer with nothing (EOS at once), so answers are counted as the lines before
        // each status line.
        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var status = lines.Select((l, i) => (Line: l, Index: i)).Where(l => l.Line.StartsWith("[memory] ", StringComparison.Ordinal)).ToList();
        await Assert.That(status.Count).IsEqualTo(turns.Count).Because(result.ToString());
        for (var i = 0; i < status.Count; i++)
        {
            // Exactly one answer line (possibly empty) between one status line and the next.
            var previous = i == 0 ? -1 : status[i - 1].Index;
            await Assert.That(status[i].Index - previous).IsEqualTo(2).Because(result.ToString());
            var used = Used().Match(status[i].Line);
            await Assert.That(used.Success).IsTrue().Because(status[i].Line);
            await Assert.That(int.Parse(used.Groups["budget"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).IsEqualTo(Budget);
            await Assert.That(int.Parse(used.Groups["used"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).IsLessThanOrEqualTo(Budget).Because(status[i].Line);
        }

        // The conversation outgrew the budget: the sliding window evicted early turns.
        await Assert.That(status[^1].Line).DoesNotContain(" 0 evicted").Because(result.ToString());

        var totals = Totals().Match(lines[^1]);
        await Assert.That(totals.Success).IsTrue().Because(result.ToString());
        await Assert.That(int.Parse(totals.Groups["turns"].Value, CultureInfo.InvariantCulture)).IsEqualTo(turns.Count);

        // The first turn computes its whole prompt; every later one reuses the cached prefix (the system prompt at least,
        // which the sliding window keeps first).
        await Assert.That(int.Parse(totals.Groups["hits"].Value, CultureInfo.InvariantCulture)).IsEqualTo(turns.Count - 1).Because(result.ToString());
        // Every later turn reuses at least the system prompt's tokens from the model's key/value cache.
        await Assert.That(int.Parse(totals.Groups["cached"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).IsGreaterThanOrEqualTo((turns.Count - 1) * 8).Because(result.ToString());
        await Assert.That(result.Stderr).IsEqualTo(string.Empty);
    }

    [Test]
    public async Task A_budget_above_the_models_context_is_refused_before_the_first_turn_saying_to_lower_it()
    {
        using var folder = Gpt2ModelFolder.Create(ByteModel, tokenizerJson: ByteLevelTokenizerJson.Create());

        var result = await ChatProcess.RunAsync(Args(folder.Path, 4000), Turns(2), new Dictionary<string, string?>());

        await Assert.That(result.ExitCode).IsEqualTo(2).Because(result.ToString());
        await Assert.That(result.Stderr).Contains("fmem: error: --budget 4000").And.Contains($"context of {Positions} positions").And.Contains($"Lower --budget to at most {Positions - MaxTokens}");
        await Assert.That(result.Stderr).DoesNotContain("Unhandled");
        await Assert.That(result.Stdout).DoesNotContain("[memory]");
    }

    [Test]
    public async Task A_model_folder_without_its_tokenizer_is_refused_naming_the_file()
    {
        using var folder = Gpt2ModelFolder.Create(ByteModel);

        var result = await ChatProcess.RunAsync(Args(folder.Path, Budget), Turns(1), new Dictionary<string, string?>());

        await Assert.That(result.ExitCode).IsEqualTo(2).Because(result.ToString());
        await Assert.That(result.Stderr).StartsWith("fmem: error: ").And.Contains("tokenizer.json").And.DoesNotContain("Unhandled");
    }

    private static string[] Args(string folder, int budget) =>
    [
        "chat", "--backend", "onnx", "--model", folder, "--policy", "sliding",
        "--budget", budget.ToString(CultureInfo.InvariantCulture), "--max-tokens", MaxTokens.ToString(CultureInfo.InvariantCulture),
        "--temperature", "0", "--stats", "--system", "You are a terse assistant.",
    ];

    private static List<string> Turns(int count) =>
        [.. Enumerable.Range(1, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"Turn {i}: the ryokan deposit is {i * 40 + 120} EUR, train at {8 + i}:15."))];

    [GeneratedRegex(@"^\[memory\] (?<used>[\d,]+)/(?<budget>[\d,]+) tokens")]
    private static partial Regex Used();

    [GeneratedRegex(@"^\[session\] (?<turns>\d+) turns · .* · (?<hits>\d+) cache hits \((?<cached>[\d,]+) input tokens from cache\)$")]
    private static partial Regex Totals();
}

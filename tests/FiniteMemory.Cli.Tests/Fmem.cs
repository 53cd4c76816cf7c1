using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace FiniteMemory.Cli.Tests;

/// <summary>What one fmem run printed and returned.</summary>
internal sealed record FmemResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs fmem in-process through FmemApp.RunAsync, capturing both streams. Unlike Main, which installs its own SIGINT
/// and SIGTERM handlers (handleSignals: false), this overload lets FmemApp handle signals itself.
/// </summary>
internal static class Fmem
{
    /// <summary>Runs fmem with <paramref name="input"/> as its standard input, one line each.</summary>
    public static async Task<FmemResult> RunAsync(string[] args, string[] input)
    {
        using var stdin = new StringReader(string.Join("\n", input) + "\n");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FmemApp.RunAsync(args, stdin, stdout, stderr);
        return new FmemResult(code, stdout.ToString(), stderr.ToString());
    }

    public static async Task<FmemResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FmemApp.RunAsync(args, stdout, stderr);
        return new FmemResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The repository root: the nearest folder above the test assembly (or, with a private artifacts path, above this source file) holding FiniteMemory.slnx or .git.</summary>
    public static string? RepositoryRoot() => FindRoot(AppContext.BaseDirectory) ?? FindRoot(Path.GetDirectoryName(ThisFile()));

    private static string? FindRoot(string? start)
    {
        for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FiniteMemory.slnx")) || Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}

/// <summary>A directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fmem-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, IEnumerable<string> lines)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Generated transcripts in fmem's JSON Lines format.</summary>
internal static class Transcripts
{
    /// <summary>Ids of <see cref="Standard"/>, in file order.</summary>
    public static readonly string[] StandardIds =
        ["sys", "pin", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "last"];

    /// <summary>The tool groups of <see cref="Standard"/>: a call message and its results.</summary>
    public static readonly string[][] StandardToolGroups = [["4", "5", "6"], ["11", "12"]];

    /// <summary>
    /// A system prompt, a pinned constraint, several turns with two tool groups (one with parallel calls and
    /// nested JSON arguments), non-Latin text, and a last user message of <paramref name="lastUserWords"/> words.
    /// </summary>
    public static List<string> Standard(int lastUserWords)
    {
        var lines = new List<string>
        {
            Line(new { id = "sys", role = "system", content = "You are Tabi, a concise travel-planning assistant. Quote prices in EUR." }),
            Line(new { id = "pin", role = "user", name = "maya", pinned = true, content = "Standing constraints: budget €7,200; vegetarian; severe peanut allergy; at most 4 hotels." }),
            Line(new { role = "user", name = "maya", content = "We want two weeks in Japan in April: Tokyo, Hakone, Kyoto. What's the weather like and where should we stay in Tokyo?" }),
            Line(new
            {
                role = "assistant",
                content = (string?)null,
                tool_calls = new object[]
                {
                    Call("call_w", "get_weather", new { city = "東京", month = 4, options = new { units = "metric", days = new[] { 1, 2, 3 } } }),
                    Call("call_h", "search_hotels", new { city = "Tokyo", filters = new { stars = new { min = 3, max = 4 }, near = new[] { "Shinjuku", "Ueno" } } }),
                },
            }),
            Line(new { role = "tool", tool_call_id = "call_h", content = Words("Hotel Gracery Shinjuku €180/night, Keio Plaza €240/night, Mitsui Garden Ueno €150/night.", 60) }),
            Line(new { role = "tool", tool_call_id = "call_w", content = "{\"city\":\"東京\",\"april\":{\"high\":19,\"low\":10,\"rain_days\":9}}" }),
            Line(new { role = "assistant", content = Words("April in Tokyo is mild (10–19 °C) with some rain. For your budget, Mitsui Garden Ueno is the best value.", 40) }),
            Line(new { role = "user", name = "tomas", content = "Tomás here. Kyoto: is a ryokan realistic with a vegetarian diet? 京都の旅館はベジタリアン対応ですか?" }),
            Line(new { role = "assistant", content = Words("Yes — many Kyoto ryokan serve shojin ryori (Buddhist vegetarian cuisine) if you ask ahead; ask them to avoid dashi made with fish.", 50) }),
            Line(new { role = "user", name = "maya", content = "Great. How do we get from Hakone to Kyoto on 8 April?" }),
            Line(new { role = "assistant", content = "Let me look that up.", tool_calls = new object[] { Call("call_t", "get_train_times", new { from = "Odawara", to = "Kyoto", date = "2026-04-08" }) } }),
            Line(new { role = "tool", tool_call_id = "call_t", content = Words("Hikari 639 Odawara 13:47 → Kyoto 15:56; Hikari 641 14:47 → 16:56.", 30) }),
            Line(new { role = "assistant", content = "Take Hikari 639 from Odawara at 13:47; it reaches Kyoto at 15:56." }),
            Line(new { role = "user", name = "tomas", content = "👍 ok" }),
            Line(new { role = "assistant", content = "Noted. Anything else before you sleep?" }),
            Line(new { id = "last", role = "user", name = "maya", content = Words("Final question: summarise everything we decided, the trains, hotels and the allergy card, please.", lastUserWords) }),
        };
        return lines;
    }

    public static string Line(object value) => JsonSerializer.Serialize(value, Options);

    private static object Call(string id, string name, object arguments) =>
        new { id, type = "function", function = new { name, arguments = JsonSerializer.Serialize(arguments, Options) } };

    /// <summary>The sentence, then filler words up to about <paramref name="words"/> words.</summary>
    public static string Words(string sentence, int words)
    {
        var builder = new StringBuilder(sentence);
        string[] filler = ["itinerary", "Kyoto", "ryokan", "Shinkansen", "budget", "東京", "allergy", "reservation", "Hakone", "onsen", "temple", "Привет"];
        for (var i = sentence.Split(' ').Length; i < words; i++)
        {
            builder.Append(' ').Append(filler[i % filler.Length]).Append(i);
        }

        return builder.ToString();
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };
}

using FiniteMemory.Evaluation;

namespace FiniteMemory.Cli.Tests;

/// <summary>Dataset files for the <c>fmem eval</c> tests.</summary>
internal static class EvalDatasets
{
    /// <summary>A valid two-conversation dataset; tests break it one field at a time.</summary>
    public const string Valid = """
        {"conversations":[
         {"id":"c1","turns":[
          {"id":"D1:1","speaker":"Ann Lee","role":"user","text":"We adopted a beagle puppy and named him Biscuit.","session":1},
          {"id":"D1:2","speaker":"Assistant","role":"assistant","text":"Congratulations on the new puppy!","session":1},
          {"id":"D2:1","speaker":"Ann Lee","role":"user","text":"We finally moved from Lisbon to Porto.","session":2},
          {"id":"D2:2","speaker":"Assistant","role":"assistant","text":"Good luck with the boxes.","session":2}],
          "questions":[
          {"id":"q1","question":"What did we call the puppy?","answer":"Biscuit","evidence":["D1:1"]},
          {"id":"q2","question":"Where do I live now?","answer":"Porto","evidence":["D2:1"]}]},
         {"id":"c2","turns":[
          {"id":"D1:1","speaker":"Bo","role":"user","text":"I'm allergic to sesame.","session":1},
          {"id":"D1:2","speaker":"Assistant","role":"assistant","text":"Noted.","session":1}],
          "questions":[
          {"id":"q1","question":"What am I allergic to?","answer":"sesame","evidence":["D1:1"]}]}]}
        """;

    /// <summary>Writes a generated dataset of two conversations and returns its path.</summary>
    public static string WriteSynthetic(TempDirectory dir, long seed = 4)
    {
        var path = System.IO.Path.Combine(dir.Path, "synthetic.json");
        EvaluationDatasetFile.Write(path, SyntheticDataset.Generate(seed, new SyntheticDatasetOptions { Conversations = 2 }));
        return path;
    }

    /// <summary>The valid dataset with the first occurrence of <paramref name="from"/> replaced.</summary>
    public static string With(string from, string to)
    {
        var at = Valid.IndexOf(from, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new ArgumentException($"'{from}' is not in the dataset.", nameof(from));
        }

        return string.Concat(Valid.AsSpan(0, at), to, Valid.AsSpan(at + from.Length));
    }

    /// <summary>Eval JSON output without the timing, which differs between runs.</summary>
    public static string WithoutTiming(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, "\"mean_policy_ms\":[0-9.eE+-]+", "\"mean_policy_ms\":0");
}

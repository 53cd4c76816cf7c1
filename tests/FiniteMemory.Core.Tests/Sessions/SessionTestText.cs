using System.Globalization;
using System.Text;

namespace FiniteMemory.Tests.Sessions;

/// <summary>Deterministic texts of varied lengths for session, engine and integration tests.</summary>
internal static class SessionTestText
{
    private static readonly string[] Vocabulary =
    [
        "river", "lantern", "copper", "meadow", "quartz", "harbor", "velvet", "orbit", "thistle", "canyon",
        "ember", "glacier", "saffron", "tundra", "marble", "pepper", "falcon", "willow", "cobalt", "prairie",
    ];

    /// <summary>A sentence starting with <paramref name="prefix"/> followed by <paramref name="words"/> words.</summary>
    public static string Words(string prefix, int words, int seed = 0)
    {
        var sb = new StringBuilder(prefix);
        for (var i = 0; i < words; i++)
        {
            sb.Append(' ').Append(Vocabulary[(i * 7 + seed * 3) % Vocabulary.Length]);
        }

        return sb.ToString();
    }

    /// <summary>The user text of turn <paramref name="turn"/>: 8 to 20 words.</summary>
    public static string Question(int turn) =>
        Words(string.Create(CultureInfo.InvariantCulture, $"Question {turn}:"), 8 + (turn * 5 % 13), turn);

    /// <summary>The assistant text of turn <paramref name="turn"/>: 12 to 28 words.</summary>
    public static string Answer(int turn) =>
        Words(string.Create(CultureInfo.InvariantCulture, $"Answer {turn}:"), 12 + (turn * 11 % 17), turn + 1);
}

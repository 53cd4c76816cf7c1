using System.Globalization;
using System.Text;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>A small line diff (longest common subsequence) for snapshot failures: changed lines with a little context.</summary>
internal static class LineDiff
{
    private const int Context = 2;

    /// <summary>The lines that differ, <c>-</c> for <paramref name="expected"/> and <c>+</c> for <paramref name="actual"/>, with line numbers and context.</summary>
    public static string Describe(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var edits = Edits(a, b);
        var show = new bool[edits.Count];
        for (var i = 0; i < edits.Count; i++)
        {
            if (edits[i].Kind != ' ')
            {
                for (var j = Math.Max(0, i - Context); j <= Math.Min(edits.Count - 1, i + Context); j++)
                {
                    show[j] = true;
                }
            }
        }

        var text = new StringBuilder();
        var skipped = false;
        for (var i = 0; i < edits.Count; i++)
        {
            if (!show[i])
            {
                skipped = true;
                continue;
            }

            if (skipped)
            {
                text.Append("  ...\n");
                skipped = false;
            }

            var (kind, line, number) = edits[i];
            text.Append(kind).Append(' ').Append(number.ToString("D4", CultureInfo.InvariantCulture)).Append(" | ").Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static List<(char Kind, string Line, int Number)> Edits(string[] a, string[] b)
    {
        // lcs[i, j]: length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var edits = new List<(char, string, int)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                edits.Add((' ', a[x], y + 1));
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                edits.Add(('-', a[x], x + 1));
                x++;
            }
            else
            {
                edits.Add(('+', b[y], y + 1));
                y++;
            }
        }

        return edits;
    }
}

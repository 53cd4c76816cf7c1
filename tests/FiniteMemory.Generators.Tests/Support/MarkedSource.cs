using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>A span a test expects a diagnostic on, written in the source as <c>{|FM1002:Name|}</c>.</summary>
internal sealed record MarkedSpan(string Path, string Id, TextSpan Span);

/// <summary>
/// A source file with diagnostic markup: <c>{|ID:text|}</c> marks the span where diagnostic ID is expected.
/// Marks may nest (two diagnostics on one span). <see cref="Text"/> is the source with the markup removed.
/// </summary>
internal sealed class MarkedSource
{
    private MarkedSource(string path, string text, IReadOnlyList<MarkedSpan> spans)
    {
        Path = path;
        Text = text;
        Spans = spans;
    }

    public string Path { get; }

    public string Text { get; }

    /// <summary>The marked spans, in the order their marks open.</summary>
    public IReadOnlyList<MarkedSpan> Spans { get; }

    public static MarkedSource Parse(string markup, string path = "Input.cs")
    {
        var text = new StringBuilder(markup.Length);
        var open = new Stack<(string Id, int Start, int Order)>();
        var spans = new List<(int Order, MarkedSpan Span)>();
        var order = 0;
        for (var i = 0; i < markup.Length; i++)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                var colon = markup.IndexOf(':', i + 2);
                if (colon < 0)
                {
                    throw new FormatException($"Markup '{{|' at {i} has no ':' after its diagnostic id.");
                }

                open.Push((markup[(i + 2)..colon], text.Length, order++));
                i = colon;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                var (id, start, at) = open.Pop();
                spans.Add((at, new MarkedSpan(path, id, TextSpan.FromBounds(start, text.Length))));
                i++;
            }
            else
            {
                text.Append(markup[i]);
            }
        }

        if (open.Count > 0)
        {
            throw new FormatException($"Markup for {open.Peek().Id} is not closed with '|}}'.");
        }

        return new MarkedSource(path, text.ToString(), [.. spans.OrderBy(s => s.Order).Select(s => s.Span)]);
    }
}

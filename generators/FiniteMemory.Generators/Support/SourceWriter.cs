using System;
using System.Text;

namespace FiniteMemory.Generators.Support;

/// <summary>Writes indented C#: a StringBuilder that knows the current depth. No SyntaxFactory.</summary>
internal sealed class SourceWriter
{
    private const string Indentation = "    ";
    private readonly StringBuilder _builder = new();
    private int _depth;

    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes each line of <paramref name="text"/> at the current depth.</summary>
    public void WriteLine(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.Length > 0)
            {
                for (var i = 0; i < _depth; i++)
                {
                    _builder.Append(Indentation);
                }

                _builder.Append(line);
            }

            _builder.Append('\n');
        }
    }

    public void OpenBlock()
    {
        WriteLine("{");
        _depth++;
    }

    public void CloseBlock(string suffix = "")
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("No block is open.");
        }

        _depth--;
        WriteLine("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}

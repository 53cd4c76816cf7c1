using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Local.Decoding;

/// <summary>
/// The text of a reply as its tokens arrive: decodes the whole reply each time (byte-level BPE tokens may split a
/// UTF-8 character, so a token alone is not text), hands out only the part that can no longer change — never a
/// half character, never the start of what may become a stop sequence — and stops at the first stop sequence,
/// even one spread over several tokens.
/// </summary>
public sealed class GeneratedText
{
    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyList<string> _stops;
    private readonly List<int> _ids = [];
    private string _text = string.Empty;
    private int _emitted;

    /// <summary>Creates an empty reply.</summary>
    public GeneratedText(Tokenizer tokenizer, IReadOnlyList<string> stopSequences)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(stopSequences);
        _tokenizer = tokenizer;
        _stops = [.. stopSequences.Where(static s => !string.IsNullOrEmpty(s))];
    }

    /// <summary>Whether a stop sequence has been reached.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The reply so far (up to, not including, the stop sequence once <see cref="Stopped"/>).</summary>
    public string Text => _text;

    /// <summary>Adds a token and returns the text that became final with it (often empty).</summary>
    public string Append(int id)
    {
        if (Stopped)
        {
            throw new InvalidOperationException("The reply already reached a stop sequence.");
        }

        _ids.Add(id);
        var text = _tokenizer.Decode(_ids) ?? string.Empty;

        var stopAt = -1;
        foreach (var stop in _stops)
        {
            var from = Math.Max(0, _emitted - stop.Length + 1);
            var at = text.IndexOf(stop, from, StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt))
            {
                stopAt = at;
            }
        }

        if (stopAt >= 0)
        {
            Stopped = true;
            _text = text[..Math.Max(stopAt, _emitted)];
            return Take(_text.Length);
        }

        _text = text;
        var safe = text.Length;
        while (safe > _emitted && text[safe - 1] == '\uFFFD')
        {
            safe--;
        }

        // Hold back the longest tail that could still grow into a stop sequence.
        var hold = 0;
        foreach (var stop in _stops)
        {
            for (var len = Math.Min(stop.Length - 1, safe - _emitted); len > hold; len--)
            {
                if (string.CompareOrdinal(text, safe - len, stop, 0, len) == 0)
                {
                    hold = len;
                    break;
                }
            }
        }

        safe -= hold;
        return Take(safe);
    }

    /// <summary>Returns what is left to hand out when the reply ends without a stop sequence.</summary>
    public string Flush() => Take(_text.Length);

    private string Take(int end)
    {
        if (end <= _emitted)
        {
            return string.Empty;
        }

        var piece = _text[_emitted..end];
        _emitted = end;
        return piece;
    }
}

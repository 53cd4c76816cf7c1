using System.Text;

namespace FiniteMemory.Evaluation;

/// <summary>
/// Expands the generator's text templates: <c>[a|b|c]</c> picks one alternative (alternatives may nest and may be
/// empty), <c>{name}</c> is replaced by the slot's value. Every choice comes from the given random stream, so a
/// template expands the same way for the same stream.
/// </summary>
internal static class SyntheticTemplate
{
    public static string Expand(string template, SyntheticRandom random, Func<string, string> slot)
    {
        var builder = new StringBuilder(template.Length + 32);
        var position = 0;
        ExpandInto(template, ref position, random, slot, builder, stopAtAlternative: false);
        if (position != template.Length)
        {
            throw new FormatException($"Unbalanced ']' in template: {template}");
        }

        return Tidy(builder.ToString());
    }

    // Expands until the end, or (inside brackets) until the '|' or ']' that ends the current alternative.
    private static void ExpandInto(string template, ref int position, SyntheticRandom random, Func<string, string> slot, StringBuilder output, bool stopAtAlternative)
    {
        while (position < template.Length)
        {
            var c = template[position];
            if (stopAtAlternative && (c == '|' || c == ']'))
            {
                return;
            }

            switch (c)
            {
                case '[':
                    position++;
                    ExpandChoice(template, ref position, random, slot, output);
                    break;
                case '{':
                    var end = template.IndexOf('}', position);
                    if (end < 0)
                    {
                        throw new FormatException($"Unclosed '{{' in template: {template}");
                    }

                    output.Append(slot(template[(position + 1)..end]));
                    position = end + 1;
                    break;
                case ']':
                    return;
                default:
                    output.Append(c);
                    position++;
                    break;
            }
        }
    }

    // At the first alternative of a '[...]': counts the alternatives, picks one, expands only that one.
    private static void ExpandChoice(string template, ref int position, SyntheticRandom random, Func<string, string> slot, StringBuilder output)
    {
        var starts = new List<int> { position };
        var depth = 0;
        var i = position;
        for (; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '[')
            {
                depth++;
            }
            else if (c == ']')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == '|' && depth == 0)
            {
                starts.Add(i + 1);
            }
        }

        if (i >= template.Length)
        {
            throw new FormatException($"Unclosed '[' in template: {template}");
        }

        var chosen = starts[random.Next(starts.Count)];
        ExpandInto(template, ref chosen, random, slot, output, stopAtAlternative: true);
        position = i + 1;
    }

    // Empty alternatives leave double spaces and spaces before punctuation behind.
    private static string Tidy(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == ' ' && (builder.Length == 0 || builder[^1] == ' '))
            {
                continue;
            }

            if (c is ',' or '.' or '?' or '!' or ':' or ';' && builder.Length > 0 && builder[^1] == ' ')
            {
                builder.Length--;
            }

            builder.Append(c);
        }

        return builder.ToString().TrimEnd();
    }
}

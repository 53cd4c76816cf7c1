using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FiniteMemory.Evaluation;

/// <summary>
/// A token budget to evaluate at: a fixed number of tokens for every conversation, or a percentage of each
/// conversation's transcript tokens (its turns only, counted with the evaluation's token counter).
/// </summary>
public readonly record struct EvaluationBudget
{
    private EvaluationBudget(int? tokens, double? percent)
    {
        Tokens = tokens;
        Percent = percent;
    }

    /// <summary>The fixed budget in tokens, or null for a percentage.</summary>
    public int? Tokens { get; }

    /// <summary>The percentage (e.g. 10 for 10%) of each conversation's transcript tokens, or null for a fixed budget.</summary>
    public double? Percent { get; }

    /// <summary>A fixed budget of <paramref name="tokens"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokens"/> is not positive or is above <see cref="MemoryOptions.MaxBudget"/>.</exception>
    public static EvaluationBudget OfTokens(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, MemoryOptions.MaxBudget);
        return new(tokens, null);
    }

    /// <summary><paramref name="percent"/> percent of each conversation's transcript tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is not in (0, 100].</exception>
    public static EvaluationBudget OfPercent(double percent)
    {
        if (!(percent > 0 && percent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A budget percentage must be greater than 0 and at most 100.");
        }

        return new(null, percent);
    }

    /// <summary>Parses <c>4000</c> (tokens) or <c>10%</c> / <c>2.5%</c> (of each conversation's transcript tokens).</summary>
    /// <exception cref="FormatException">The text is neither; the message says what is accepted.</exception>
    public static EvaluationBudget Parse(string text) =>
        TryParse(text, out var budget, out var error) ? budget : throw new FormatException(error);

    /// <summary>Parses a budget; on failure <paramref name="error"/> says what is wrong and what is accepted.</summary>
    public static bool TryParse(string? text, out EvaluationBudget budget, [NotNullWhen(false)] out string? error)
    {
        budget = default;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.EndsWith('%'))
        {
            var number = trimmed[..^1].TrimEnd();
            if (!double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent))
            {
                error = $"budget '{text}' is not a percentage; write one like 10% or 2.5%.";
                return false;
            }

            if (!(percent > 0 && percent <= 100))
            {
                error = $"budget '{text}' is not a valid percentage; it must be greater than 0% and at most 100%.";
                return false;
            }

            budget = new(null, percent);
            error = null;
            return true;
        }

        if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var tokens))
        {
            error = $"budget '{text}' is neither a number of tokens (e.g. 4000) nor a percentage (e.g. 10%).";
            return false;
        }

        if (tokens <= 0 || tokens > MemoryOptions.MaxBudget)
        {
            error = $"budget '{text}' must be a positive number of tokens (at most {MemoryOptions.MaxBudget.ToString(CultureInfo.InvariantCulture)}).";
            return false;
        }

        budget = new((int)tokens, null);
        error = null;
        return true;
    }

    /// <summary>The budget in tokens for a conversation whose turns count <paramref name="transcriptTokens"/> tokens (a percentage rounds to the nearest token, at least 1, at most <see cref="MemoryOptions.MaxBudget"/>).</summary>
    public int TokensFor(long transcriptTokens)
    {
        if (Tokens is { } tokens)
        {
            return tokens;
        }

        var percent = Percent ?? throw new InvalidOperationException("A default EvaluationBudget has neither tokens nor a percentage; create one with OfTokens, OfPercent or Parse.");
        return (int)Math.Clamp(Math.Round(transcriptTokens * percent / 100, MidpointRounding.AwayFromZero), 1, MemoryOptions.MaxBudget);
    }

    /// <summary><c>4000</c> or <c>10%</c>.</summary>
    public override string ToString() =>
        Percent is { } percent
            ? percent.ToString("0.###", CultureInfo.InvariantCulture) + "%"
            : (Tokens ?? 0).ToString(CultureInfo.InvariantCulture);
}

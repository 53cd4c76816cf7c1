using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FiniteMemory.Evaluation;

/// <summary>
/// Reads and writes evaluation datasets as JSON. Reading validates (see <see cref="EvaluationDatasetValidator"/>),
/// so a dataset that loads is one the evaluator can score.
/// </summary>
public static class EvaluationDatasetFile
{
    // Apostrophes and quotes stay readable in written files (the default encoder writes them as \u0027).
    private static readonly EvaluationJsonContext Writer = new(new JsonSerializerOptions(EvaluationJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Reads and validates a dataset file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not valid JSON (the message gives the line and byte position) or the dataset is invalid (the message names the conversation, question or turn).</exception>
    public static EvaluationDataset Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        }

        return Parse(File.ReadAllBytes(path));
    }

    /// <summary>Parses and validates a dataset from its JSON text.</summary>
    /// <exception cref="FormatException">The text is not valid JSON or the dataset is invalid.</exception>
    public static EvaluationDataset Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Parses and validates a dataset from UTF-8 JSON.</summary>
    /// <exception cref="FormatException">The JSON is invalid or the dataset is invalid.</exception>
    public static EvaluationDataset Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new FormatException("the file is empty; expected a JSON object {\"conversations\": [...]}.");
        }

        EvaluationDataset? dataset;
        try
        {
            dataset = JsonSerializer.Deserialize(LoneSurrogates.Repair(utf8Json), EvaluationJsonContext.Default.EvaluationDataset);
        }
        catch (JsonException ex)
        {
            throw new FormatException(Describe(ex), ex);
        }

        if (dataset is null)
        {
            throw new FormatException("the file holds 'null'; expected a JSON object {\"conversations\": [...]}.");
        }

        EvaluationDatasetValidator.Validate(dataset);
        return dataset;
    }

    /// <summary>The dataset as indented JSON (LF line ends, no trailing newline): the same dataset always gives the same text.</summary>
    public static string Serialize(EvaluationDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return JsonSerializer.Serialize(dataset, Writer.EvaluationDataset);
    }

    /// <summary>Writes the dataset to a file as <see cref="Serialize"/> gives it, UTF-8 without a byte-order mark, ending with a newline.</summary>
    public static void Write(string path, EvaluationDataset dataset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        File.WriteAllText(path, Serialize(dataset) + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static string Describe(JsonException ex)
    {
        var where = ex.LineNumber is long line
            ? $"{line + 1}, byte position {ex.BytePositionInLine + 1}"
            : "unknown";
        if (!string.IsNullOrEmpty(ex.Path) && ex.Path != "$")
        {
            // Well-formed JSON of the wrong shape: name the field.
            if (ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            {
                return $"{ex.Path} (line {where}) has the wrong type: ids, speaker, role, text, question and answer are strings, session is a number, evidence is a list of turn ids.";
            }

            if (ex.Message.Contains("null", StringComparison.OrdinalIgnoreCase) && ex.InnerException is null && ex.Message.Contains("nullability", StringComparison.OrdinalIgnoreCase))
            {
                return $"{ex.Path} (line {where}) is null; give it a value or leave the field out.";
            }
        }

        var at = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : $" (at {ex.Path})";
        return $"invalid JSON at line {where}{at}: {Problem(ex.Message)}.";
    }

    // The reader's message without the position suffix it appends ("Path: … | LineNumber: … | BytePositionInLine: …").
    private static string Problem(string message)
    {
        foreach (var marker in (string[])[" Path: ", " LineNumber: "])
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message[..at];
            }
        }

        return message.TrimEnd().TrimEnd('.');
    }
}

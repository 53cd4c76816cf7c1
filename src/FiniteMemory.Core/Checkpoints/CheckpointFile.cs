using System.Text.Json;

namespace FiniteMemory.Checkpoints;

/// <summary>Reads and writes checkpoint files: atomic writes, and reads that fail with a clear message.</summary>
internal static class CheckpointFile
{
    public static async Task WriteAsync(string path, CheckpointDocument document, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // Serialize fully before touching the disk: a failure here leaves no file behind.
        byte[] bytes;
        try
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(document, CheckpointJsonContext.Default.CheckpointDocument);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw new CheckpointException(path, $"could not be written: the session holds a value that cannot be serialized ({ex.Message}).", ex);
        }

        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
        {
            throw new CheckpointException(path, $"could not be written: the directory '{directory}' does not exist.");
        }

        // Write a temporary file beside the target, flush it to disk, then rename it over the target:
        // a crash at any point leaves either the old checkpoint or the new one, never a torn file.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            TryDelete(temporary);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new CheckpointException(path, $"could not be written: {ex.Message}", ex);
        }
    }

    public static async Task<CheckpointDocument> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException ex)
        {
            throw new CheckpointException(path, "does not exist.", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new CheckpointException(path, "does not exist (its directory is missing).", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"could not be read: {ex.Message}", ex);
        }

        var content = bytes.AsSpan();
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        content = content.Trim(" \t\r\n"u8);
        if (content.IsEmpty)
        {
            throw new CheckpointException(path, "is empty: the file was truncated or never written completely. Restore it from a backup.");
        }

        if (content[0] != (byte)'{')
        {
            throw new CheckpointException(path, "is not a FiniteMemory checkpoint (a checkpoint is a JSON object; this file starts differently).");
        }

        CheckpointDocument document;
        try
        {
            // Cannot be null: the content starts with '{'.
            document = JsonSerializer.Deserialize(content, CheckpointJsonContext.Default.CheckpointDocument)!;
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is long line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : string.Empty;
            throw new CheckpointException(path, $"is not valid JSON{where}: the file is corrupt or truncated ({FirstSentence(ex.Message)}). Restore it from a backup.", ex);
        }

        if (document.Format != CheckpointDocument.FormatName)
        {
            throw new CheckpointException(path, document.Format is null
                ? $"is not a FiniteMemory checkpoint (it has no \"format\": \"{CheckpointDocument.FormatName}\" field)."
                : $"is not a FiniteMemory checkpoint (its format is '{document.Format}', expected '{CheckpointDocument.FormatName}').");
        }

        switch (document.Version)
        {
            case null:
                throw new CheckpointException(path, "has no \"version\" field; it was damaged or edited by hand.");
            case > CheckpointDocument.CurrentVersion:
                throw new CheckpointException(path, $"was written by a newer FiniteMemory (format version {document.Version}; this version reads up to {CheckpointDocument.CurrentVersion}). Upgrade FiniteMemory to read it.");
            case < 1:
                throw new CheckpointException(path, $"has an invalid format version {document.Version}.");
        }

        return document;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray temporary file is harmless and never read as a checkpoint.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}

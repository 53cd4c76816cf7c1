using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace FiniteMemory;

/// <summary>Which revision of a checkpoint file a session last read or wrote (see <see cref="CheckpointConflictException"/>).</summary>
/// <param name="Path">The checkpoint's full path, as the session was given it.</param>
/// <param name="Revision">The revision read or written (0 for files older than format version 3).</param>
/// <param name="Etag">The etag read or written (null for files older than format version 3).</param>
internal sealed record CheckpointStamp(string Path, long Revision, string? Etag);

/// <summary>Reads and writes checkpoint files: atomic writes, and reads that fail with a clear message.</summary>
internal static class CheckpointFile
{
    /// <summary>
    /// The largest checkpoint read or written, 128 MiB (conversations of many thousands of turns take a few MB):
    /// a bigger file, a device or an endless stream is refused before its content is held in memory.
    /// </summary>
    public const long MaxBytes = 128L * 1024 * 1024;

    // The revision and etag are near the start of a file; this much is read to find them before every save.
    private const int StampPrefixBytes = 64 * 1024;

    /// <summary>Test seams; null (no calls) outside tests.</summary>
    internal static readonly AsyncLocal<CheckpointSaveHooks?> TestHooks = new();

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static async Task<CheckpointStamp> WriteAsync(string path, CheckpointDocument document, CheckpointStamp? expected, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);

        // A symlinked checkpoint is written through: the temporary file goes beside the link's final target and is
        // renamed over it, so the link stays a link.
        var target = ResolveLinks(path, fullPath);
        var directory = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(directory))
        {
            throw new CheckpointException(path, $"could not be written: the directory '{directory}' does not exist.");
        }

        if (Directory.Exists(target))
        {
            throw new CheckpointException(path, "could not be written: it is a directory. Name a file.");
        }

        // Saves of one target in this process run one at a time from the revision check to the rename, so two
        // sessions that loaded the same revision cannot both pass the check (the second sees the first's revision).
        // Another process is not covered: it must hold the checkpoint's lock file (see CheckpointConflictException).
        using var serialized = await SaveGate.EnterAsync(target, cancellationToken).ConfigureAwait(false);
        var onDisk = ReadStamp(target);
        var checking = expected is not null && string.Equals(expected.Path, fullPath, StringComparison.Ordinal);
        if (checking && onDisk.Exists && onDisk.Revision is null)
        {
            throw new CheckpointException(path, $"could not be written: the file on disk is unreadable ({onDisk.Problem}); its revision cannot be checked, so nothing was written. Fix or restore the file, or save to another file.");
        }

        if (checking && onDisk.Exists
            && (onDisk.Revision != expected!.Revision || !string.Equals(onDisk.Etag, expected.Etag, StringComparison.Ordinal)))
        {
            throw new CheckpointConflictException(path, expected.Revision, onDisk.Revision);
        }

        TestHooks.Value?.BeforeReplace?.Invoke(target);
        var previous = Math.Max(onDisk.Revision ?? 0, expected?.Revision ?? 0);
        document.Revision = previous == long.MaxValue ? previous : previous + 1;
        document.Etag = Guid.NewGuid().ToString("N");

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

        if (bytes.LongLength > MaxBytes)
        {
            throw new CheckpointException(path, string.Create(CultureInfo.InvariantCulture, $"could not be written: the session takes {bytes.LongLength:N0} bytes, more than a checkpoint may hold ({MaxBytes:N0}), and could not be read back. Remove or truncate old messages first."));
        }

        var name = Path.GetFileName(target);
        RemoveStaleTemporaries(directory, name);

        // Keep an existing file's permissions; a new checkpoint holds a conversation, so only its owner may read it.
        UnixFileMode? mode = null;
        if (!OperatingSystem.IsWindows())
        {
            mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                if (onDisk.Exists)
                {
                    mode = File.GetUnixFileMode(target);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone or unreadable since it was checked: written as a new file, owner-only.
            }
        }

        // Write a temporary file beside the target, flush it to disk, then rename it over the target:
        // a crash at any point leaves either the old checkpoint or the new one, never a torn file.
        var temporary = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.Asynchronous };
            if (mode is { } created && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = created & (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                if (mode is { } kept && !OperatingSystem.IsWindows())
                {
                    // The create mode went through the umask; the target's own mode is set exactly.
                    File.SetUnixFileMode(stream.SafeFileHandle, kept);
                }

                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
                if (!OperatingSystem.IsWindows())
                {
                    // Renamed while still open (and so still locked): another save's clean-up never takes it for a stale file.
                    File.Move(temporary, target, overwrite: true);
                }
            }

            if (OperatingSystem.IsWindows())
            {
                File.Move(temporary, target, overwrite: true);
            }
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

        return new CheckpointStamp(fullPath, document.Revision.Value, document.Etag);
    }

    // The file a symbolic link (or chain of links) finally names, even when that file does not exist yet.
    private static string ResolveLinks(string path, string fullPath)
    {
        var current = fullPath;
        try
        {
            for (var hops = 0; hops < 40; hops++)
            {
                if (new FileInfo(current).LinkTarget is not { } link)
                {
                    return current;
                }

                current = Path.GetFullPath(link, Path.GetDirectoryName(current)!);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"could not be written: its symbolic link cannot be followed ({ex.Message}).", ex);
        }

        throw new CheckpointException(path, "could not be written: its symbolic links form a loop (or a chain of more than 40).");
    }

    public static async Task<CheckpointDocument> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bytes = await ReadBoundedAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(path, bytes);
    }

    /// <summary>Parses and validates a checkpoint's bytes (<paramref name="path"/> only names it in errors).</summary>
    public static CheckpointDocument Parse(string path, byte[] bytes)
    {
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var end = bytes.Length;
        while (start < end && bytes[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        while (end > start && bytes[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            end--;
        }

        var memory = bytes.AsMemory(start, end - start);
        var content = memory.Span;
        if (content.IsEmpty)
        {
            throw new CheckpointException(path, "is empty: the file was truncated or never written completely. Restore it from a backup.");
        }

        if (content[0] != (byte)'{')
        {
            throw new CheckpointException(path, "is not a FiniteMemory checkpoint (a checkpoint is a JSON object; this file starts differently).");
        }

        if (!Utf8.IsValid(content))
        {
            throw new CheckpointException(path, string.Create(CultureInfo.InvariantCulture, $"is not valid JSON: invalid UTF-8 at byte {start + InvalidUtf8Offset(content) + 1}; the file is corrupt or was saved in another encoding. Restore it from a backup."));
        }

        // The whole document is parsed and checked first (syntax, duplicate keys at every depth, every string
        // decodable), so nothing below ever sees a half-valid file.
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(memory, ParseOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is long line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : string.Empty;
            throw new CheckpointException(path, $"is not valid JSON{where}: the file is corrupt or truncated ({FirstSentence(ex.Message)}). Restore it from a backup.", ex);
        }

        CheckpointDocument document;
        using (json)
        {
            CheckElement(path, json.RootElement);
            try
            {
                // Cannot be null: the content is an object.
                document = json.RootElement.Deserialize(CheckpointJsonContext.Default.CheckpointDocument)!;
            }
            catch (JsonException ex)
            {
                throw new CheckpointException(path, $"has an invalid value at {ex.Path ?? "$"} ({FirstSentence(ex.Message)}): it was damaged or edited by hand. Restore it from a backup.", ex);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException or NotSupportedException)
            {
                throw new CheckpointException(path, $"has an invalid value ({FirstSentence(ex.Message)}): it was damaged or edited by hand. Restore it from a backup.", ex);
            }
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

        if (document.Revision is < 0)
        {
            throw new CheckpointException(path, string.Create(CultureInfo.InvariantCulture, $"has a negative \"revision\" ({document.Revision}): it was damaged or edited by hand. Restore it from a backup."));
        }

        return document;
    }

    // The file's bytes, refusing what is not a regular file of at most MaxBytes before holding any of it: a FIFO
    // would block the open forever and a device such as /dev/zero never ends. Both report a length of 0, like an
    // empty file, and are refused on that without being opened; the read itself is bounded too, in case the file
    // grows or is swapped after the check.
    private static async Task<byte[]> ReadBoundedAsync(string path, CancellationToken cancellationToken)
    {
        long length;
        try
        {
            if (Directory.Exists(path))
            {
                throw new CheckpointException(path, "could not be read: it is a directory, not a checkpoint file.");
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(path));
                throw directory is not null && !Directory.Exists(directory)
                    ? new CheckpointException(path, "does not exist (its directory is missing).", new DirectoryNotFoundException(directory))
                    : new CheckpointException(path, "does not exist.", new FileNotFoundException(null, path));
            }

            length = info.Length;
        }
        catch (Exception ex) when (ex is IOException and not CheckpointException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"could not be read: {ex.Message}", ex);
        }

        if (length == 0)
        {
            throw new CheckpointException(path, "is empty, or is not a regular file (a pipe, socket or device), and was not read. A checkpoint is a regular file that FiniteMemory writes whole: an empty one was truncated or never written completely (restore it from a backup, or delete it to start anew); otherwise give the path of the checkpoint file itself.");
        }

        if (length > MaxBytes)
        {
            throw TooLarge(path, length);
        }

        try
        {
            var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0, Options = FileOptions.Asynchronous });
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[(int)Math.Min(length + 1, MaxBytes + 1)];
                var read = 0;
                while (true)
                {
                    if (read == buffer.Length)
                    {
                        if (buffer.LongLength > MaxBytes)
                        {
                            throw TooLarge(path, read);
                        }

                        Array.Resize(ref buffer, (int)Math.Min(buffer.LongLength * 2, MaxBytes + 1));
                    }

                    var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return read == buffer.Length ? buffer : buffer[..read];
                    }

                    read += n;
                }
            }
        }
        catch (FileNotFoundException ex)
        {
            throw new CheckpointException(path, "does not exist.", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new CheckpointException(path, "does not exist (its directory is missing).", ex);
        }
        catch (Exception ex) when (ex is IOException and not CheckpointException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"could not be read: {ex.Message}", ex);
        }
    }

    private static CheckpointException TooLarge(string path, long length) =>
        new(path, string.Create(CultureInfo.InvariantCulture, $"is too large for a checkpoint ({length:N0} bytes or more; at most {MaxBytes:N0} are read): it is not a checkpoint, or it was damaged. Restore it from a backup."));

    // Every key must be unique (a second "entries" would otherwise silently replace the first, and a save would
    // then overwrite the conversation with it), and every string and key must decode: the reader checks UTF-8 but
    // not escaped surrogates ("\ud83d" alone), which would otherwise fail later, wherever the string is read.
    // The location of a bad element ("$.entries[3].contents") is built only when one is found, on the way out.
    private static void CheckElement(string path, JsonElement root)
    {
        var bad = new BadElement();
        try
        {
            if (CheckElement(root, bad))
            {
                return;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new CheckpointException(path, $"has a string that cannot be decoded in {bad.Location()} (a lone or broken UTF-16 surrogate escape): it was damaged or edited by hand. Restore it from a backup.", ex);
        }

        throw new CheckpointException(path, $"has the key \"{bad.DuplicateKey}\" twice in {bad.Location()}: it was damaged or edited by hand (only one can be meant). Restore it from a backup.");
    }

    // False when a key repeats; a string that cannot be decoded throws InvalidOperationException. Either way the
    // location's segments are added to `bad` as the recursion unwinds, innermost first.
    private static bool CheckElement(JsonElement element, BadElement bad)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? names = null;
                foreach (var property in element.EnumerateObject())
                {
                    string? name = null;
                    try
                    {
                        name = property.Name;
                        names ??= new HashSet<string>(StringComparer.Ordinal);
                        if (!names.Add(name))
                        {
                            bad.DuplicateKey = name;
                            return false;
                        }

                        if (!CheckElement(property.Value, bad))
                        {
                            bad.Trail.Add("." + name);
                            return false;
                        }
                    }
                    catch (InvalidOperationException) when (name is not null)
                    {
                        bad.Trail.Add("." + name);
                        throw;
                    }
                }

                return true;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    bool valid;
                    try
                    {
                        valid = CheckElement(item, bad);
                    }
                    catch (InvalidOperationException)
                    {
                        bad.Trail.Add(string.Create(CultureInfo.InvariantCulture, $"[{index}]"));
                        throw;
                    }

                    if (!valid)
                    {
                        bad.Trail.Add(string.Create(CultureInfo.InvariantCulture, $"[{index}]"));
                        return false;
                    }

                    index++;
                }

                return true;
            case JsonValueKind.String:
                _ = element.GetString();
                return true;
            default:
                return true;
        }
    }

    private sealed class BadElement
    {
        public string? DuplicateKey { get; set; }

        public List<string> Trail { get; } = [];

        public string Location() => "$" + string.Concat(Enumerable.Reverse(Trail));
    }

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> content)
    {
        var offset = 0;
        while (offset < content.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(content[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    // The revision and etag of the file at `target` now, read from its first bytes without loading the conversation
    // (files older than version 3 have neither field and are read to the end once, by the first save after an upgrade).
    // An existing file without a revision (Revision null) could not be read as a checkpoint; Problem says why.
    private static (bool Exists, long? Revision, string? Etag, string? Problem) ReadStamp(string target)
    {
        try
        {
            var info = new FileInfo(target);
            if (!info.Exists)
            {
                return (false, null, null, null);
            }

            if (info.Length == 0)
            {
                return (true, null, null, "it is empty or not a regular file");
            }

            if (info.Length > MaxBytes)
            {
                return (true, null, null, string.Create(CultureInfo.InvariantCulture, $"it holds {info.Length:N0} bytes, more than a checkpoint may ({MaxBytes:N0})"));
            }

            using var stream = new FileStream(target, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 });
            var buffer = new byte[Math.Min(info.Length, StampPrefixBytes)];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var (complete, revision, etag) = ScanStamp(buffer.AsSpan(0, read), final: read < StampPrefixBytes);
            if (!complete && read == StampPrefixBytes)
            {
                var rest = new byte[Math.Min(info.Length, MaxBytes) - read];
                var more = stream.ReadAtLeast(rest, rest.Length, throwOnEndOfStream: false);
                (complete, revision, etag) = ScanStamp([.. buffer, .. rest.AsSpan(0, more)], final: true);
            }

            return complete ? (true, revision ?? 0, etag, null) : (true, null, null, "it is not a checkpoint, or it is corrupt or truncated");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (true, null, null, $"it cannot be read: {ex.Message}");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (true, null, null, "it is not a checkpoint, or it is corrupt or truncated");
        }
    }

    // Reads the top-level "revision" and "etag" of a checkpoint's bytes; complete when both were found or the whole
    // top-level object was read (a missing revision is revision 0, as the loader reads it).
    private static (bool Complete, long? Revision, string? Etag) ScanStamp(ReadOnlySpan<byte> bytes, bool final)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var reader = new Utf8JsonReader(bytes, final, new JsonReaderState(new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return (false, null, null);
        }

        long? revision = null;
        string? etag = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return (true, revision, etag);
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                return (false, null, null);
            }

            var property = reader.GetString();
            if (!reader.Read())
            {
                return (false, null, null);
            }

            switch (property)
            {
                case "revision" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var r):
                    revision = r;
                    break;
                case "etag" when reader.TokenType == JsonTokenType.String:
                    etag = reader.GetString();
                    break;
                default:
                    if (!reader.TrySkip())
                    {
                        return (false, null, null);
                    }

                    break;
            }

            if (revision is not null && etag is not null)
            {
                return (true, revision, etag);
            }
        }

        return (false, null, null);
    }

    // Temporary files of this checkpoint that a killed save left behind (".NAME.<32 hex>.tmp", exactly the pattern
    // written above). One still being written by another save is open and locked, and is left alone.
    private static void RemoveStaleTemporaries(string directory, string name)
    {
        var prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, "*.tmp").ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var candidate in candidates)
        {
            var file = Path.GetFileName(candidate);
            if (file.Length != prefix.Length + 32 + 4 || !file.StartsWith(prefix, StringComparison.Ordinal) || !file.EndsWith(".tmp", StringComparison.Ordinal)
                || !IsLowerHex(file.AsSpan(prefix.Length, 32)))
            {
                continue;
            }

            try
            {
                using var held = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                File.Delete(candidate);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // In use by a save in progress, or not ours to delete: left alone.
            }
        }
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
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
            // Best effort: a stray temporary file is harmless, never read as a checkpoint, and removed by the next save.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}

namespace FiniteMemory.Http;

/// <summary>
/// Response bodies read with a bound: at most a fixed number of bytes is ever read from the (decompressed) content
/// stream, so a huge body or a compression bomb costs no more memory than the bound, however large it claims or
/// turns out to be.
/// </summary>
internal static class BoundedContent
{
    /// <summary>How much of an error body is read: enough for any provider's error document.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    private const int ChunkBytes = 16 * 1024;

    /// <summary>
    /// Replaces <paramref name="response"/>'s body with its first <paramref name="maxBytes"/> bytes (the rest is never
    /// read) and releases the connection's stream.
    /// </summary>
    public static async Task TruncateAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        var (buffer, length, _) = await ReadAtMostAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        Replace(response, new ByteArrayContent(buffer, 0, Math.Min(length, maxBytes)));
    }

    /// <summary>
    /// Buffers <paramref name="response"/>'s body, refusing one longer than <paramref name="maxBytes"/> after reading
    /// at most one byte more.
    /// </summary>
    /// <exception cref="BackendResponseTooLargeException">The body is longer than <paramref name="maxBytes"/>.</exception>
    public static async Task BufferAsync(HttpResponseMessage response, long maxBytes, string provider, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw BackendResponseTooLargeException.Bytes(provider, maxBytes);
        }

        var (buffer, length, over) = await ReadAtMostAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        if (over)
        {
            throw BackendResponseTooLargeException.Bytes(provider, maxBytes);
        }

        Replace(response, new ByteArrayContent(buffer, 0, length));
    }

    /// <summary>
    /// Replaces <paramref name="response"/>'s body with the same stream, read as it arrives, that fails with a
    /// <see cref="BackendResponseTooLargeException"/> once more than <paramref name="maxBytes"/> bytes were read.
    /// </summary>
    public static async Task LimitAsync(HttpResponseMessage response, long maxBytes, string provider, CancellationToken cancellationToken)
    {
        var inner = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        Replace(response, new StreamContent(new LimitedReadStream(inner, maxBytes, provider)), disposeOld: false);
    }

    /// <summary>The first <paramref name="maxBytes"/> bytes of <paramref name="content"/> as text (UTF-8 unless the content type says otherwise).</summary>
    public static async Task<string> ReadStringAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        var (buffer, length, _) = await ReadAtMostAsync(content, maxBytes, cancellationToken).ConfigureAwait(false);
        using var bounded = new ByteArrayContent(buffer, 0, Math.Min(length, maxBytes));
        bounded.Headers.ContentType = content.Headers.ContentType;
        return await bounded.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    // Reads up to maxBytes + 1 bytes, growing the buffer only as data arrives (a Content-Length is not trusted).
    private static async Task<(byte[] Buffer, int Length, bool Over)> ReadAtMostAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        var limit = (int)Math.Min(maxBytes + 1, Array.MaxLength);
        var buffer = new byte[Math.Min(limit, ChunkBytes)];
        var length = 0;
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (length < limit)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }

        return (buffer, length, length > maxBytes);
    }

    private static void Replace(HttpResponseMessage response, HttpContent content, bool disposeOld = true)
    {
        var old = response.Content;
        foreach (var header in old.Headers)
        {
            // The new body's length is its own (a decoding handler has already dropped Content-Encoding).
            if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        response.Content = content;
        if (disposeOld)
        {
            old.Dispose();
        }
    }

    /// <summary>A read-only view of a response stream that refuses to read past a byte limit.</summary>
    private sealed class LimitedReadStream(Stream inner, long maxBytes, string provider) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer[..Bound(buffer.Length)]));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer[..Bound(buffer.Length)], cancellationToken).ConfigureAwait(false));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        // Never asks for more than one byte past the limit, so the overrun is noticed without reading further.
        private int Bound(int requested)
        {
            if (_read > maxBytes)
            {
                throw BackendResponseTooLargeException.Bytes(provider, maxBytes);
            }

            return (int)Math.Min(requested, maxBytes + 1 - _read);
        }

        private int Count(int read)
        {
            _read += read;
            return _read > maxBytes ? throw BackendResponseTooLargeException.Bytes(provider, maxBytes) : read;
        }
    }
}

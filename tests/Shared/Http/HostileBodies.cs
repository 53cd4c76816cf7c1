using System.IO.Compression;

namespace FiniteMemory.Testing;

/// <summary>
/// Bodies a hostile server sends, written as they go so the server itself stays small: a gzip bomb (a little
/// compressed data that inflates to hundreds of megabytes) and a body of one unit repeated (huge or endless).
/// Each writer stops quietly when the client goes away and reports how much it got to send.
/// </summary>
internal static class HostileBodies
{
    private const int MemberBytes = 8 * 1024 * 1024;

    // One gzip member of 8 MB of zeros (about 8 KB); members back to back are one valid gzip stream.
    private static readonly Lazy<byte[]> ZeroMember = new(static () =>
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(new byte[MemberBytes]);
        }

        return compressed.ToArray();
    });

    /// <summary>Writes gzip data that inflates to <paramref name="megabytes"/> MB of zeros (rounded up to 8 MB).</summary>
    /// <returns>The compressed bytes sent before the end or the client went away.</returns>
    public static Task<long> WriteGzipBombAsync(Stream body, int megabytes, CancellationToken cancellationToken) =>
        WriteRepeatedAsync(body, ZeroMember.Value, (long)ZeroMember.Value.Length * ((megabytes + 7) / 8), cancellationToken);

    /// <summary>Writes <paramref name="unit"/> again and again up to <paramref name="maxBytes"/> (long.MaxValue: without end).</summary>
    /// <returns>The bytes sent before the end or the client went away.</returns>
    public static async Task<long> WriteRepeatedAsync(Stream body, ReadOnlyMemory<byte> unit, long maxBytes, CancellationToken cancellationToken)
    {
        long sent = 0;
        try
        {
            while (sent < maxBytes && !cancellationToken.IsCancellationRequested)
            {
                await body.WriteAsync(unit, cancellationToken);
                await body.FlushAsync(cancellationToken);
                sent += unit.Length;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // The client stopped reading and closed the connection: what the tests wait for.
        }

        return sent;
    }
}

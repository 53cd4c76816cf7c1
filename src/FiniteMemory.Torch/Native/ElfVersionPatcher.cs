using System.Buffers.Binary;
using System.Text;

namespace FiniteMemory.Torch.Native;

/// <summary>
/// Edits the version requirements (<c>.gnu.version_r</c>) of a 64-bit little-endian ELF shared library: marks named
/// requirements weak (<c>VER_FLG_WEAK</c>), so the dynamic loader accepts a system library that lacks those versions.
/// </summary>
/// <remarks>
/// That is safe only when nothing the library actually binds to needs the version: for TorchSharp 0.107's
/// <c>libLibTorchSharp.so</c> and <c>GLIBCXX_3.4.32</c>, the one symbol behind it is
/// <c>std::ios_base_library_init()</c>, which GCC 13 emits as a marker and nothing relocates to.
/// </remarks>
internal static class ElfVersionPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>The names and flags of every version requirement in <paramref name="elf"/>.</summary>
    public static IReadOnlyList<(string File, string Version, bool Weak)> Requirements(ReadOnlySpan<byte> elf)
    {
        var list = new List<(string, string, bool)>();
        Walk(elf, (file, version, flagsOffset, bytes) => list.Add((file, version, (BinaryPrimitives.ReadUInt16LittleEndian(bytes[flagsOffset..]) & VerFlagWeak) != 0)));
        return list;
    }

    /// <summary>Marks the requirements named in <paramref name="versions"/> weak; returns how many it changed.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a 64-bit little-endian ELF file with a version-requirements section.</exception>
    public static int MarkWeak(Span<byte> elf, IReadOnlySet<string> versions)
    {
        var offsets = new List<int>();
        Walk(elf, (_, version, flagsOffset, bytes) =>
        {
            if (versions.Contains(version) && (BinaryPrimitives.ReadUInt16LittleEndian(bytes[flagsOffset..]) & VerFlagWeak) == 0)
            {
                offsets.Add(flagsOffset);
            }
        });
        foreach (var offset in offsets)
        {
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(elf[offset..]);
            BinaryPrimitives.WriteUInt16LittleEndian(elf[offset..], (ushort)(flags | VerFlagWeak));
        }

        return offsets.Count;
    }

    private delegate void Visitor(string file, string version, int flagsOffset, ReadOnlySpan<byte> elf);

    private static void Walk(ReadOnlySpan<byte> elf, Visitor visit)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("Not a 64-bit little-endian ELF file.");
        }

        var sectionTable = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(elf[0x28..]));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
        for (var s = 0; s < count; s++)
        {
            var header = elf.Slice(sectionTable + (s * entrySize), entrySize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]));
            var link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            var entries = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x2C..]);
            var strings = elf.Slice(sectionTable + (link * entrySize), entrySize);
            var stringsOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(strings[0x18..]));

            var need = offset;
            for (var n = 0; n < entries; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[(need + 2)..]);
                var file = Name(elf, stringsOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(need + 4)..]));
                var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(need + 8)..]);
                for (var a = 0; a < auxCount; a++)
                {
                    var version = Name(elf, stringsOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(aux + 8)..]));
                    visit(file, version, aux + 4, elf);
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(aux + 12)..]);
                }

                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(need + 12)..]);
            }

            return;
        }

        throw new InvalidDataException("The ELF file has no version-requirements section (.gnu.version_r).");
    }

    private static string Name(ReadOnlySpan<byte> elf, int offset)
    {
        var end = elf[offset..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(elf.Slice(offset, end));
    }
}

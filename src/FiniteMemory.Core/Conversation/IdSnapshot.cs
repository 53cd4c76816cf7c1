namespace FiniteMemory;

/// <summary>The ids of a transcript's first <see cref="Count"/> entries, as they were when taken.</summary>
/// <param name="Ids">The transcript's append-only id log (only the first <see cref="Count"/> slots are this snapshot's).</param>
/// <param name="Count">Number of entries covered.</param>
internal readonly record struct IdSnapshot(string[] Ids, int Count)
{
    public string this[int index] => (uint)index < (uint)Count ? Ids[index] : throw new ArgumentOutOfRangeException(nameof(index));
}

namespace FiniteMemory.Stages;

/// <summary>
/// Which groups a frame has kept, as one stamp per group: a group is kept when its slot holds the frame's stamp.
/// A transcript lends its marks to one frame at a time (see <see cref="Transcript"/>), so a build
/// asks "is this group kept?" with an array read instead of a hash lookup, and starting the next build costs a
/// new stamp instead of clearing or allocating anything.
/// </summary>
internal sealed class KeptMarks
{
    private int[] _stamps = [];
    private int _stamp;

    /// <summary>The stamp of the frame that holds the marks now.</summary>
    public int Stamp => _stamp;

    /// <summary>Starts a frame over <paramref name="groups"/> groups: nothing is marked for it yet.</summary>
    public void Begin(int groups)
    {
        if (_stamps.Length < groups)
        {
            Array.Resize(ref _stamps, Math.Max(groups, Math.Max(32, _stamps.Length * 2)));
        }

        if (_stamp == int.MaxValue)
        {
            Array.Clear(_stamps);
            _stamp = 0;
        }

        _stamp++;
    }

    public bool IsMarked(int group) => (uint)group < (uint)_stamps.Length && _stamps[group] == _stamp;

    public void Mark(int group)
    {
        if ((uint)group >= (uint)_stamps.Length)
        {
            Array.Resize(ref _stamps, Math.Max(group + 1, _stamps.Length * 2));
        }

        _stamps[group] = _stamp;
    }

    public void Unmark(int group)
    {
        if ((uint)group < (uint)_stamps.Length)
        {
            _stamps[group] = 0;
        }
    }
}

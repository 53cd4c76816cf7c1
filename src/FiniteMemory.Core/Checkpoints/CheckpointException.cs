namespace FiniteMemory;

/// <summary>
/// A checkpoint could not be read or written. The message names the file and the problem; the session
/// involved is unchanged and no partial file was left behind.
/// </summary>
public class CheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string path, string problem, Exception? inner = null)
        : base($"Checkpoint '{path}' {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The checkpoint file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}

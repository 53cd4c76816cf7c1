namespace FiniteMemory.Readme.Tests.Support;

/// <summary>The checkout the tests run in, and the READMEs in it.</summary>
internal static class Repository
{
    // Build output and tool folders hold copies and downloads, not the repository's own documents.
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "bin", "obj", "artifacts", "TestResults", "BenchmarkDotNet.Artifacts", "node_modules",
    };

    /// <summary>The repository root: the nearest folder above the test assembly holding FiniteMemory.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every README.md of the repository, as paths relative to the root with '/' separators, in ordinal order.</summary>
    public static IReadOnlyList<string> Readmes()
    {
        var found = new List<string>();
        Collect(new DirectoryInfo(Root), found);
        return [.. found.Select(RelativePath).Order(StringComparer.Ordinal)];
    }

    /// <summary>The absolute path of a path relative to the root.</summary>
    public static string FullPath(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>The repository's public address (FiniteMemoryRepositoryUrl in Directory.Build.props), which package READMEs link to.</summary>
    public static string Url { get; } = ReadUrl();

    /// <summary>
    /// The file (relative to the root, with its '#anchor') that a link to the repository's public home names on the main
    /// branch, or null for any other link: "…#fmem-eval" is README.md#fmem-eval, "…/blob/main/perf/README.md" is perf/README.md.
    /// </summary>
    public static string? LocalTarget(string link)
    {
        if (!link.StartsWith(Url, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = link[Url.Length..];
        if (rest.Length == 0 || rest[0] == '#')
        {
            return "README.md" + rest;
        }

        foreach (var prefix in (string[])["/blob/main/", "/tree/main/"])
        {
            if (rest.StartsWith(prefix, StringComparison.Ordinal))
            {
                return rest[prefix.Length..];
            }
        }

        return null;
    }

    private static void Collect(DirectoryInfo directory, List<string> found)
    {
        found.AddRange(directory.EnumerateFiles().Where(f => string.Equals(f.Name, "README.md", StringComparison.OrdinalIgnoreCase)).Select(f => f.FullName));
        foreach (var child in directory.EnumerateDirectories())
        {
            if (!child.Name.StartsWith('.') && !SkippedFolders.Contains(child.Name) && !child.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                Collect(child, found);
            }
        }
    }

    private static string ReadUrl()
    {
        const string Property = "FiniteMemoryRepositoryUrl";
        var props = File.ReadAllText(FullPath("Directory.Build.props"));
        var start = props.IndexOf($"<{Property}>", StringComparison.Ordinal);
        var end = props.IndexOf($"</{Property}>", StringComparison.Ordinal);
        return start >= 0 && end > start
            ? props[(start + Property.Length + 2)..end].Trim()
            : throw new InvalidOperationException($"Directory.Build.props has no <{Property}>: the package READMEs' links cannot be checked.");
    }

    private static string RelativePath(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FiniteMemory.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"FiniteMemory.slnx was not found above {AppContext.BaseDirectory}: run the README tests from a checkout of the repository.");
    }
}

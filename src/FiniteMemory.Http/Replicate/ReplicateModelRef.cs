namespace FiniteMemory.Http.Replicate;

/// <summary>
/// A Replicate model as configuration names it: <c>owner/name</c> (its latest version, through the models
/// endpoint) or <c>owner/name:version</c> (that version, through the predictions endpoint).
/// </summary>
internal sealed record ReplicateModelRef(string Owner, string Name, string? Version)
{
    /// <summary>Parses <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">It is not <c>owner/name</c> or <c>owner/name:version</c>.</exception>
    public static ReplicateModelRef Parse(string model) =>
        TryParse(model) ?? throw new ArgumentException(Malformed(model), nameof(model));

    /// <summary>Parses <paramref name="model"/>, or returns null when it is not <c>owner/name</c> or <c>owner/name:version</c>.</summary>
    public static ReplicateModelRef? TryParse(string model)
    {
        var colon = model.IndexOf(':', StringComparison.Ordinal);
        var path = colon < 0 ? model : model[..colon];
        var version = colon < 0 ? null : model[(colon + 1)..];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var valid = slash > 0 && slash < path.Length - 1 && path.IndexOf('/', slash + 1) < 0 && version is not { Length: 0 }
            && IsName(path) && (version is null || IsName(version));
        return valid ? new ReplicateModelRef(path[..slash], path[(slash + 1)..], version) : null;
    }

    /// <summary>The error for a model name that does not parse.</summary>
    public static string Malformed(string model) =>
        $"Replicate model '{model}' is not 'owner/name' or 'owner/name:version' (for example meta/meta-llama-3-70b-instruct).";

    /// <summary>The path of the create-prediction call, relative to the API's base address.</summary>
    public string CreatePath => Version is null
        ? $"v1/models/{Uri.EscapeDataString(Owner)}/{Uri.EscapeDataString(Name)}/predictions"
        : "v1/predictions";

    public override string ToString() => Version is null ? $"{Owner}/{Name}" : $"{Owner}/{Name}:{Version}";

    private static bool IsName(string text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}

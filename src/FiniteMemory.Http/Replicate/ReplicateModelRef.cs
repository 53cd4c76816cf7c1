namespace FiniteMemory.Http.Replicate;

/// <summary>
/// A Replicate model as configuration names it: <c>owner/name</c> (its latest version, through the models
/// endpoint) or <c>owner/name:version</c> (that version, through the predictions endpoint).
/// </summary>
internal sealed record ReplicateModelRef(string Owner, string Name, string? Version)
{
    public static ReplicateModelRef Parse(string model)
    {
        var colon = model.IndexOf(':', StringComparison.Ordinal);
        var path = colon < 0 ? model : model[..colon];
        var version = colon < 0 ? null : model[(colon + 1)..];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1 || path.IndexOf('/', slash + 1) >= 0 || version is { Length: 0 } || !IsName(path) || (version is not null && !IsName(version)))
        {
            throw new ArgumentException(
                $"Replicate model '{model}' is not 'owner/name' or 'owner/name:version' (for example meta/meta-llama-3-70b-instruct).",
                nameof(model));
        }

        return new ReplicateModelRef(path[..slash], path[(slash + 1)..], version);
    }

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

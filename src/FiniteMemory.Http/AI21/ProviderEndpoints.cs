namespace FiniteMemory.Http;

/// <summary>Base addresses of hosted APIs.</summary>
internal static class ProviderEndpoints
{
    /// <summary>
    /// <paramref name="endpoint"/> ending in <c>/</c>, so that relative paths resolve under it
    /// (<c>http://proxy/ai21</c> + <c>studio/v1/…</c> → <c>http://proxy/ai21/studio/v1/…</c>, not <c>http://proxy/studio/…</c>).
    /// </summary>
    public static Uri Base(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The endpoint must be an absolute URL such as https://api.example.com; '{endpoint}' is relative.", nameof(endpoint));
        }

        return endpoint.AbsolutePath.EndsWith('/') && string.IsNullOrEmpty(endpoint.Query) ? endpoint : new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }
}

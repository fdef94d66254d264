namespace Deror.PyHost.Embedding;

/// <summary>The Python sources compiled into the host (<c>python/**.py</c>), by path: <c>deror/__init__.py</c>.</summary>
internal static class EmbeddedPythonSources
{
    private const string Prefix = "python/";

    public static string? Read(string path)
    {
        using var stream = typeof(EmbeddedPythonSources).Assembly.GetManifestResourceStream(Prefix + path);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string ReadRequired(string path)
        => Read(path) ?? throw new InvalidOperationException($"The host was built without its Python source '{path}'.");
}

namespace Deror.EndToEnd.Tests;

/// <summary>A temp dir for a test's scripts and the marker files they write; deleted at the end.</summary>
internal sealed class ScriptDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("deror-e2e-scripts-").FullName;

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes an executable bash script.</summary>
    public string Script(string name, string body)
    {
        var path = PathOf(name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The lines of a marker file, none while it does not exist.</summary>
    public IReadOnlyList<string> Lines(string name)
        => File.Exists(PathOf(name)) ? [.. File.ReadAllLines(PathOf(name)).Where(l => l.Length > 0)] : [];

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

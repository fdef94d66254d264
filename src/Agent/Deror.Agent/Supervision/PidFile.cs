using System.Globalization;

namespace Deror.Agent.Supervision;

/// <summary>A file holding one process id, as Exo and most daemons keep them.</summary>
internal sealed class PidFile(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The pid in the file; null when there is no file or it holds no number.</summary>
    public int? Read()
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1 ? pid : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Write(int pid)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // Write then rename, so a reader never sees half a number.
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, pid.ToString(CultureInfo.InvariantCulture) + "\n");
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Removes the file if it still names <paramref name="pid"/> (so a stale pid is never adopted after reuse).</summary>
    public void DeleteIfOwnedBy(int pid)
    {
        if (Read() == pid)
        {
            File.Delete(Path);
        }
    }
}

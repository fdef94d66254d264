namespace Deror.PyHost.Kernel;

/// <summary>
/// <c>deror-py kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]</c>: writes the
/// kernelspec where Jupyter looks for kernels (the same places as <c>jupyter kernelspec install</c>).
/// </summary>
internal static class KernelSpecInstaller
{
    public const string DefaultName = "deror";
    private const string SystemDataDirectory = "/usr/local/share/jupyter";

    /// <summary>Installs the spec; returns the kernel's directory.</summary>
    public static string Install(KernelInstallRequest request, PyHostOptions options)
    {
        var directory = Path.Combine(DataDirectory(request), "kernels", request.Name);
        Directory.CreateDirectory(directory);
        var spec = KernelSpec.For(HostCommand(), options, request.DisplayName);
        File.WriteAllText(Path.Combine(directory, "kernel.json"), spec.ToJson());
        return directory;
    }

    /// <summary>How to start this host again: the apphost itself, or <c>dotnet deror-py.dll</c>.</summary>
    public static IReadOnlyList<string> HostCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The host's executable path is unknown.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, typeof(KernelSpecInstaller).Assembly.Location]
            : [process];
    }

    private static string DataDirectory(KernelInstallRequest request)
    {
        if (request.Prefix is { } prefix)
        {
            return Path.Combine(Path.GetFullPath(prefix), "share", "jupyter");
        }
        if (!request.User)
        {
            return SystemDataDirectory;
        }
        // jupyter_core.paths.jupyter_data_dir() on Linux.
        if (Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } data)
        {
            return data;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } x
            ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(xdg, "jupyter");
    }
}

/// <summary>Where and under which name <see cref="KernelSpecInstaller"/> installs the kernel.</summary>
internal sealed record KernelInstallRequest(bool User, string? Prefix, string Name, string DisplayName);

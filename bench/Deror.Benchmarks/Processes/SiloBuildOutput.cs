using System.Reflection;

namespace Deror.Benchmarks.Processes;

/// <summary>Finds the silo executable built with this benchmark (same configuration, via its project reference).</summary>
public static class SiloBuildOutput
{
    public static string SiloDll()
    {
        var configuration = typeof(SiloBuildOutput).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(RepositoryRoot(), "src", "Silo", "Deror.Silo", "bin", configuration, "net10.0", "Deror.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The silo is not built: {dll} is missing.", dll);
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No repository root (a directory with Directory.Packages.props) above {AppContext.BaseDirectory}.");
    }
}

using System.Reflection;

namespace Deror.PyHost.Tests.Infrastructure;

/// <summary>Where the build put deror-py (same configuration as the tests) and where the repository's examples are.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string DerorPy
    {
        get
        {
            var configuration = typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var host = Path.Combine(Root, "src", "PyHost", "Deror.PyHost", "bin", configuration, "net10.0", "deror-py");
            return File.Exists(host) ? host : throw new FileNotFoundException($"deror-py is not built: {host} is missing.", host);
        }
    }

    public static string Example(string name)
    {
        var path = Path.Combine(Root, "examples", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"The example {path} is missing.", path);
    }

    /// <summary>A Debian tool the tests need (installed by scripts/install-test-dependencies.sh); a missing one fails the test.</summary>
    public static string Tool(string path)
        => File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run scripts/install-test-dependencies.sh (as root) to install the Jupyter packages.", path);

    private static string FindRoot()
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

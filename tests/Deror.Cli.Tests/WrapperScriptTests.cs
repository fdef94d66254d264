using System.Diagnostics;
using System.Reflection;

namespace Deror.Cli.Tests;

/// <summary>The repository's <c>./deror</c> script, linked onto PATH as the README says, runs the CLI.</summary>
public sealed class WrapperScriptTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("deror-path-").FullName;

    [Fact]
    public async Task The_script_linked_onto_PATH_builds_if_needed_and_runs_the_cli_with_all_arguments()
    {
        File.CreateSymbolicLink(Path.Combine(_bin, "deror"), Path.Combine(RepositoryRoot(), "deror"));
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _bin };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("deror get");
        startInfo.Environment["PATH"] = _bin + ":" + Environment.GetEnvironmentVariable("PATH");
        // The configuration these tests were built in, so the script finds that build current instead of building another.
        startInfo.Environment["DEROR_CONFIGURATION"] = typeof(WrapperScriptTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);

        // The CLI's own answer to a missing argument: the script passed the arguments through and its exit code back.
        Assert.True(process.ExitCode == 2, $"exit code {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Contains("error: Required argument 'id' missing for command: 'get'.", await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "deror")) && File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No repository root (with the deror script) above {AppContext.BaseDirectory}.");
    }

    public void Dispose() => Directory.Delete(_bin, recursive: true);
}

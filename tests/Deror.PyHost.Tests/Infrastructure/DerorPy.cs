namespace Deror.PyHost.Tests.Infrastructure;

/// <summary>Runs Python code as a deror-py script and collects the result.</summary>
internal static class DerorPy
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}--- stderr\n{StandardError}";
    }

    public static async Task<Result> RunScriptAsync(string code, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        using var directory = new TempDirectory();
        var script = directory.Write("script.py", code);
        using var process = HostProcess.StartDerorPy([script, .. args], environment, directory.Path);
        var exitCode = await process.WaitForExitAsync();
        return new Result(exitCode, process.StandardOutput, process.StandardError);
    }
}

using System.Text.Json.Nodes;

namespace Deror.PyHost.Tests.Infrastructure;

/// <summary>Debian's Jupyter tools, run with a private kernelspec directory (JUPYTER_PATH) and private runtime dirs.</summary>
internal sealed class Jupyter(TempDirectory directory)
{
    public const string Executable = "/usr/bin/jupyter";

    /// <summary>The data directory `deror-py kernel install --prefix` writes to (prefix/share/jupyter).</summary>
    public string DataDirectory => Path.Combine(directory.Path, "share", "jupyter");

    public IReadOnlyDictionary<string, string> Environment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["JUPYTER_PATH"] = DataDirectory,
            ["JUPYTER_RUNTIME_DIR"] = Path.Combine(directory.Path, "runtime"),
            ["JUPYTER_CONFIG_DIR"] = Path.Combine(directory.Path, "config"),
            ["IPYTHONDIR"] = Path.Combine(directory.Path, "ipython"),
            // ipykernel's debugger is off in the kernelspec; this keeps its start-up warning out of the output.
            ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>Runs `deror-py kernel install --prefix` into the temp directory.</summary>
    public async Task InstallKernelAsync()
    {
        using var install = HostProcess.StartDerorPy(["kernel", "install", "--prefix", directory.Path]);
        Assert.True(await install.WaitForExitAsync() == 0, install.Output);
    }

    public async Task<(int ExitCode, string StandardOutput, string Output)> RunAsync(params string[] args)
    {
        using var process = HostProcess.Start(RepositoryPaths.Tool(Executable), args, Environment(), directory.Path);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exitCode, process.StandardOutput, process.Output);
    }

    /// <summary>Executes a notebook with `jupyter nbconvert --execute` on the deror kernel; returns the executed notebook.</summary>
    public async Task<JsonNode> ExecuteNotebookAsync(string notebook, IReadOnlyDictionary<string, string> environment)
    {
        var input = Path.Combine(directory.Path, Path.GetFileName(notebook));
        File.Copy(notebook, input, overwrite: true);
        using var process = HostProcess.Start(RepositoryPaths.Tool(Executable),
            ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=deror", "--ExecutePreprocessor.timeout=60", "--output", "executed.ipynb", input],
            Environment(environment), directory.Path);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exitCode == 0, $"nbconvert failed ({exitCode}):\n{process.Output}");
        return JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory.Path, "executed.ipynb")))!;
    }

    /// <summary>The text of a code cell's outputs: streams, text/plain results and text/html, in order.</summary>
    public static IReadOnlyList<string> CodeCellOutputs(JsonNode notebook)
        => [.. notebook["cells"]!.AsArray()
            .Where(c => (string?)c!["cell_type"] == "code")
            .Select(c => string.Concat(c!["outputs"]!.AsArray().Select(OutputText)))];

    private static string OutputText(JsonNode? output) => (string?)output!["output_type"] switch
    {
        "stream" => Join(output["text"]),
        "execute_result" or "display_data" => Join(output["data"]!["text/html"] ?? output["data"]!["text/plain"]),
        "error" => $"{output["ename"]}: {output["evalue"]}",
        _ => "",
    };

    private static string Join(JsonNode? text) => text is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)text ?? "";
}

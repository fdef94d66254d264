using System.Text.Json.Nodes;
using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>The Jupyter kernel: `deror-py kernel install` writes a kernelspec Jupyter accepts, and a notebook runs end to end on it.</summary>
public sealed class KernelTests(HelloCluster cluster) : IClassFixture<HelloCluster>
{
    [Fact]
    public async Task Kernel_install_writes_a_kernelspec_that_starts_this_host()
    {
        using var directory = new TempDirectory();
        var jupyter = new Jupyter(directory);

        await jupyter.InstallKernelAsync();
        var (exitCode, json, output) = await jupyter.RunAsync("kernelspec", "list", "--json");

        Assert.True(exitCode == 0, output);
        var listed = JsonNode.Parse(json)!["kernelspecs"]!["deror"]!;
        Assert.Equal(Path.Combine(jupyter.DataDirectory, "kernels", "deror"), (string?)listed["resource_dir"]);
        var spec = listed["spec"]!;
        var argv = spec["argv"]!.AsArray().Select(a => (string)a!).ToArray();
        Assert.Equal(RepositoryPaths.DerorPy, argv[0]);
        Assert.Equal(new[] { "kernel", "-f", "{connection_file}" }, argv[^3..]);
        Assert.Equal("signal", (string?)spec["interrupt_mode"]);
        Assert.Equal("python", (string?)spec["language"]);
    }

    [Fact]
    public async Task Kernel_install_rejects_conflicting_options()
    {
        using var install = HostProcess.StartDerorPy(["kernel", "install", "--user", "--prefix", "/tmp/x"]);

        Assert.Equal(2, await install.WaitForExitAsync());
        Assert.Contains("--user and --prefix cannot be combined", install.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Example_notebook_runs_on_the_deror_kernel_against_a_real_silo()
    {
        using var directory = new TempDirectory();
        var jupyter = new Jupyter(directory);
        await jupyter.InstallKernelAsync();

        var executed = await jupyter.ExecuteNotebookAsync(RepositoryPaths.Example("hello-grains.ipynb"), cluster.Environment);

        var outputs = Jupyter.CodeCellOutputs(executed);
        Assert.Equal(5, outputs.Count);
        Assert.Contains("'Deror.Grains.IHelloGrain'", outputs[0], StringComparison.Ordinal);
        Assert.Equal("Hello, jupyter! This is notebook. greeting number 1\n", outputs[1]);
        Assert.Equal("[2, 3, 4]", outputs[2]);
        Assert.StartsWith("<table><tr><th>count</th><th>text</th></tr><tr><td>1</td><td>Hello, jupyter! This is notebook.</td></tr>", outputs[3], StringComparison.Ordinal);
        Assert.StartsWith("rejected: The value cannot be an empty string or composed entirely of whitespace.", outputs[4], StringComparison.Ordinal);
        Assert.Equal(4, await cluster.Cluster.Client.GetGrain<Deror.Grains.IHelloGrain>("notebook").GetGreetingCount());
    }
}

using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>The ClusterManager example notebook, executed on the deror kernel against a silo hosting the domain grains.</summary>
public sealed class ClusterNotebookTests(DomainCluster cluster) : IClassFixture<DomainCluster>
{
    [Fact]
    public async Task Cluster_manager_notebook_runs_end_to_end()
    {
        using var directory = new TempDirectory();
        var jupyter = new Jupyter(directory);
        await jupyter.InstallKernelAsync();

        var executed = await jupyter.ExecuteNotebookAsync(RepositoryPaths.Example("cluster-manager.ipynb"), cluster.Environment);

        var outputs = Jupyter.CodeCellOutputs(executed);
        Assert.Equal(5, outputs.Count);
        Assert.Matches("^(healthy|degraded|unhealthy) nodes: 0\n$", outputs[0]);
        Assert.StartsWith("<table><caption>ClusterHealth</caption><tr><th style='text-align:left'>cluster_id</th>", outputs[1], StringComparison.Ordinal);
        Assert.Contains(cluster.ClusterId, outputs[1], StringComparison.Ordinal);
        Assert.Equal("python3 llama-3.2-1b\n", outputs[2]);
        Assert.StartsWith("<table><tr><th>id</th>", outputs[3], StringComparison.Ordinal);
        Assert.Contains("nightly-report", outputs[3], StringComparison.Ordinal);
        Assert.Contains("warm-up", outputs[3], StringComparison.Ordinal);
        Assert.Equal("cancelled\ncancelled\n", outputs[4]);
    }
}

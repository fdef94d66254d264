using System.Text.Json;

namespace Deror.Cli.Tests;

/// <summary>Maintenance takes the node down; a cluster of its own keeps the other tests' node serving.</summary>
public sealed class MaintenanceCommandTests(DomainClusterFixture cluster) : IClassFixture<DomainClusterFixture>
{
    [Fact]
    public async Task Maintain_follows_the_maintenance_until_it_completes()
    {
        var result = await cluster.RunAsync("maintain", "--node", DomainClusterFixture.NodeName, "--min-healthy", "0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Completed", result.Stdout);
        var again = await cluster.RunAsync("maintain", "--json", "--min-healthy", "0");
        Assert.True(again.ExitCode == 0, again.ToString());
        var status = JsonDocument.Parse(again.Stdout).RootElement;
        Assert.Equal("Completed", status.GetProperty("phase").GetString());
        Assert.True(Assert.Single(status.GetProperty("steps").EnumerateArray()).GetProperty("done").GetBoolean());
    }

    [Fact]
    public async Task Maintaining_an_unknown_node_exits_3()
    {
        var result = await cluster.RunAsync("maintain", "--node", "node-404");

        Assert.True(result.ExitCode == 3, result.ToString());
    }
}

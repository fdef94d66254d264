using Deror.Exo.Simulator;
using Deror.Exo.Simulator.Hosting;

namespace Deror.Exo.Tests;

public sealed class OptionsTests
{
    [Fact]
    public async Task Client_options_reject_a_relative_address_and_non_positive_timeouts()
    {
        using var http = new HttpClient();
        var relative = Assert.Throws<ArgumentException>(() => new ExoClient(http, new ExoClientOptions { BaseAddress = new Uri("/api", UriKind.Relative) }));
        Assert.Contains("BaseAddress", relative.Message, StringComparison.Ordinal);

        var zero = Assert.Throws<ArgumentException>(() => new ExoClient(http, new ExoClientOptions { CommandTimeout = TimeSpan.Zero }));
        Assert.Contains("CommandTimeout", zero.Message, StringComparison.Ordinal);

        var client = new ExoClient(http, new ExoClientOptions());
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetNodeIdAsync(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Command_line_reads_exo_flags_and_environment()
    {
        var env = new Dictionary<string, string?> { ["OVERRIDE_MEMORY_MB"] = "2048", ["EXO_SIM_CLUSTER_DIR"] = "/tmp/x" };
        var options = CommandLine.Parse(["--api-port", "52500", "--namespace", "pinned", "-m", "--no-worker", "--election-ms", "3000"], n => env.GetValueOrDefault(n));

        Assert.Equal((52500, "pinned", true, true, 2048L, "/tmp/x"), (options.ApiPort, options.Namespace, options.ForceMaster, options.NoWorker, options.MemoryMb, options.ClusterDirectory));
        Assert.Equal(TimeSpan.FromSeconds(3), options.ElectionDuration);
        Assert.Equal(ExoSimOptions.DefaultNamespace, CommandLine.Parse([], _ => null).Namespace);
    }

    [Theory]
    [InlineData("--bogus", "Unknown argument '--bogus'")]
    [InlineData("--api-port", "--api-port needs a value")]
    [InlineData("--api-port x", "--api-port must be an integer")]
    [InlineData("--api-port 70000", "ApiPort (--api-port) must be 0..65535")]
    [InlineData("--election-ms 0", "ElectionDuration must be greater than zero")]
    [InlineData("--namespace ../x", "Namespace (--namespace)")]
    public void Command_line_errors_say_what_is_wrong(string args, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => CommandLine.Parse(args.Split(' '), _ => null));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_override_must_be_positive()
    {
        var error = Assert.Throws<ArgumentException>(() => CommandLine.Parse([], n => n == "OVERRIDE_MEMORY_MB" ? "0" : null));
        Assert.Contains("OVERRIDE_MEMORY_MB", error.Message, StringComparison.Ordinal);
    }
}

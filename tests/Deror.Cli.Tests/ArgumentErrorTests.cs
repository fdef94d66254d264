namespace Deror.Cli.Tests;

/// <summary>Bad input ends in exit code 2 and one <c>error:</c> line, before any connection is tried.</summary>
public sealed class ArgumentErrorTests
{
    [Theory]
    [InlineData("get")]
    [InlineData("exec", "hi")]
    [InlineData("run", "--memory", "5x", "web", "nginx")]
    [InlineData("exec", "--timeout", "soon", "hi", "--", "true")]
    [InlineData("exec", "--cpu", "-1", "hi", "--", "true")]
    [InlineData("exec", "--env", "NOEQUALS", "hi", "--", "true")]
    [InlineData("list", "--state", "Sleeping")]
    [InlineData("list", "--limit", "0")]
    [InlineData("schedule", "exec", "hi", "--", "true")]
    [InlineData("schedule", "exec", "--at", "+1m", "--cron", "* * * * *", "hi", "--", "true")]
    [InlineData("schedule", "run", "--at", "someday", "web", "nginx")]
    [InlineData("up", "--nodes", "0")]
    [InlineData("up", "--no-exo", "--python-handlers", "missing.py")]
    [InlineData("health", "--gateway", "no-port-here")]
    [InlineData("frobnicate")]
    [InlineData()]
    public async Task Bad_arguments_exit_2_with_one_error_line(params string[] args)
    {
        var result = await DerorProcess.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
    }

    [Fact]
    public async Task Bad_values_are_named_in_the_error()
    {
        var result = await DerorProcess.RunAsync("run", "--memory", "5x", "web", "nginx");

        Assert.Contains("--memory: '5x' is not a size", result.Stderr);
        Assert.Contains("deror run --help", result.Stderr);
    }

    [Fact]
    public async Task Help_lists_the_commands_and_the_exit_codes()
    {
        var result = await DerorProcess.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "up", "health", "nodes", "silos", "run", "exec", "schedule", "list", "get", "logs", "cancel", "maintain", "events" })
        {
            Assert.Contains($"\n  {command} ", result.Stdout);
        }
        Assert.Contains("Exit codes:", result.Stdout);
        Assert.Contains("5  cannot reach the cluster", result.Stdout);
    }

    [Fact]
    public async Task An_unreachable_gateway_exits_5()
    {
        var port = FreePorts.One();

        var result = await DerorProcess.RunAsync("health", "--gateway", $"127.0.0.1:{port}", "--connect-timeout", "500ms");

        Assert.True(result.ExitCode == 5, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Could not connect", line);
    }

    [Fact]
    public async Task The_gateway_comes_from_DEROR_GATEWAY_when_not_given()
    {
        var port = FreePorts.One();

        var result = await DerorProcess.RunAsync(["nodes", "--connect-timeout", "500ms"], new Dictionary<string, string> { ["DEROR_GATEWAY"] = $"127.0.0.1:{port}" });

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains($"127.0.0.1:{port}", result.Stderr);
    }
}

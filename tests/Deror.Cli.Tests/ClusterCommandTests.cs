using System.Text.Json;

namespace Deror.Cli.Tests;

/// <summary>The built <c>deror</c> against a real silo hosting the domain grains, over its gateway.</summary>
public sealed class ClusterCommandTests(DomainClusterFixture cluster) : IClassFixture<DomainClusterFixture>
{
    [Fact]
    public async Task Health_json_has_the_http_api_shape()
    {
        var result = await cluster.RunAsync("health", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var health = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(cluster.ClusterId, health.GetProperty("clusterId").GetString());
        Assert.Contains(health.GetProperty("status").GetString(), new[] { "Healthy", "Degraded", "Unhealthy" });
        var node = Assert.Single(health.GetProperty("nodes").EnumerateArray());
        Assert.Equal(DomainClusterFixture.NodeName, node.GetProperty("name").GetString());
        Assert.Equal("Healthy", node.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_for_people_is_a_table()
    {
        var result = await cluster.RunAsync("health");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Cluster {cluster.ClusterId}:", result.Stdout);
        Assert.Contains(DomainClusterFixture.NodeName, result.Stdout);
        Assert.DoesNotContain("\u001b[", result.Stdout); // no colour codes in a pipe
    }

    [Fact]
    public async Task Nodes_lists_the_node_and_shows_one()
    {
        var list = await cluster.RunAsync("nodes", "--json");
        var one = await cluster.RunAsync("nodes", DomainClusterFixture.NodeName, "--json");

        Assert.True(list.ExitCode == 0, list.ToString());
        var node = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray());
        Assert.Equal(DomainClusterFixture.NodeName, node.GetProperty("name").GetString());
        Assert.Equal("Healthy", node.GetProperty("status").GetString());
        Assert.Equal(4, node.GetProperty("capacity").GetProperty("cpuCores").GetDouble());
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal(DomainClusterFixture.NodeName, JsonDocument.Parse(one.Stdout).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_unknown_node_exits_3()
    {
        var result = await cluster.RunAsync("nodes", "node-404");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("error: Node 'node-404' is not known to cluster '" + cluster.ClusterId + "'.", result.Stderr.Trim());
    }

    [Fact]
    public async Task Silos_lists_the_membership()
    {
        var result = await cluster.RunAsync("silos", "--json");
        var table = await cluster.RunAsync("silos");

        Assert.True(result.ExitCode == 0, result.ToString());
        var silo = Assert.Single(JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray());
        Assert.Equal(cluster.Gateway, silo.GetProperty("gateway").GetString());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
        Assert.True(silo.GetProperty("isLocal").GetBoolean());
        Assert.True(silo.GetProperty("startTime").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Active", table.Stdout);
        Assert.Contains(cluster.Gateway, table.Stdout);
    }

    [Fact]
    public async Task Without_the_token_a_call_fails_with_one_error_line_and_exit_code_6()
    {
        var result = await DerorProcess.RunAsync(cluster.ArgsWithoutToken("exec", "sneaky", "--", "echo", "hi"), null);

        Assert.True(result.ExitCode == 6, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("requires a token", line);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_wrong_token_fails_with_exit_code_6()
    {
        var result = await DerorProcess.RunAsync(["--token", "not-the-right-token", .. cluster.ArgsWithoutToken("cancel", "t-1")], null);

        Assert.True(result.ExitCode == 6, result.ToString());
        Assert.Contains("error: ", result.Stderr);
        Assert.Contains("does not match", result.Stderr);
    }

    [Fact]
    public async Task The_token_can_come_from_DEROR_TOKEN()
    {
        var result = await DerorProcess.RunAsync(
            cluster.ArgsWithoutToken("exec", "--wait", "from-env", "--", "echo", "token from env"),
            new Dictionary<string, string> { ["DEROR_TOKEN"] = DomainClusterFixture.Token });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("token from env\n", result.Stdout);
    }

    [Fact]
    public async Task Gateway_and_url_together_are_bad_arguments()
    {
        var result = await DerorProcess.RunAsync(["health", "--gateway", "127.0.0.1:1", "--url", "http://127.0.0.1:1"], null);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("error: give --gateway or --url, not both.", result.Stderr.Trim());
    }

    [Fact]
    public async Task Exec_wait_prints_the_output_and_exits_with_the_task_exit_code()
    {
        var result = await cluster.RunAsync("exec", "--wait", "greet", "--", "sh", "-c", "echo hi from the node; exit 3");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("hi from the node\n", result.Stdout);
        Assert.Contains("Failed (exit code 3)", result.Stderr);
    }

    [Fact]
    public async Task Exec_wait_json_prints_the_finished_task()
    {
        var result = await cluster.RunAsync("exec", "--wait", "--json", "--env", "WHO=deror", "hello", "--", "sh", "-c", "echo hello $WHO");

        Assert.True(result.ExitCode == 0, result.ToString());
        var task = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("Completed", task.GetProperty("state").GetString());
        Assert.Equal(0, task.GetProperty("exitCode").GetInt32());
        Assert.Equal(DomainClusterFixture.NodeName, task.GetProperty("node").GetString());
        var id = task.GetProperty("id").GetString()!;

        var logs = await cluster.RunAsync("logs", id);
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Equal("hello deror\n", logs.Stdout);
    }

    [Fact]
    public async Task A_submitted_task_can_be_listed_read_and_cancelled_once()
    {
        // More CPU than any node has: the task stays Pending until cancelled.
        var submitted = await cluster.RunAsync("exec", "--json", "--cpu", "64", "--memory", "1g", "--timeout", "1m", "--retries", "2", "big", "--", "true");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var task = JsonDocument.Parse(submitted.Stdout).RootElement;
        var id = task.GetProperty("id").GetString()!;
        Assert.Equal("Pending", task.GetProperty("state").GetString());
        var spec = task.GetProperty("spec");
        Assert.Equal("Process", spec.GetProperty("kind").GetString());
        Assert.Equal(64, spec.GetProperty("resources").GetProperty("cpuCores").GetDouble());
        Assert.Equal(1L << 30, spec.GetProperty("resources").GetProperty("memoryBytes").GetInt64());
        Assert.Equal(3, spec.GetProperty("maxAttempts").GetInt32());

        var got = await cluster.RunAsync("get", id, "--json");
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Equal(id, JsonDocument.Parse(got.Stdout).RootElement.GetProperty("id").GetString());

        var pending = await cluster.RunAsync("list", "--state", "Pending", "--json");
        Assert.True(pending.ExitCode == 0, pending.ToString());
        Assert.Contains(JsonDocument.Parse(pending.Stdout).RootElement.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetString() == id);

        var cancelled = await cluster.RunAsync("cancel", id, "--json");
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.Equal("Cancelled", JsonDocument.Parse(cancelled.Stdout).RootElement.GetProperty("state").GetString());

        var again = await cluster.RunAsync("cancel", id);
        Assert.True(again.ExitCode == 4, again.ToString());
        Assert.StartsWith("error: Task '" + id + "' is Cancelled", again.Stderr);
    }

    [Fact]
    public async Task Exec_prints_the_id_alone_for_scripts()
    {
        var result = await cluster.RunAsync("exec", "--idempotency-key", "cli-once", "once", "--", "true");
        var repeated = await cluster.RunAsync("exec", "--idempotency-key", "cli-once", "once", "--", "true");

        Assert.True(result.ExitCode == 0, result.ToString());
        var id = result.Stdout.Trim();
        Assert.Matches("^k-[0-9a-f]+$", id);
        Assert.Equal(id, repeated.Stdout.Trim()); // the same key is the same task
    }

    [Fact]
    public async Task Unknown_tasks_exit_3()
    {
        var get = await cluster.RunAsync("get", "t-nosuchtask");
        var logs = await cluster.RunAsync("logs", "t-nosuchtask");

        Assert.True(get.ExitCode == 3, get.ToString());
        Assert.Equal("error: Task 't-nosuchtask' does not exist.", get.Stderr.Trim());
        Assert.True(logs.ExitCode == 3, logs.ToString());
    }

    [Fact]
    public async Task A_task_pinned_to_an_unknown_node_exits_3()
    {
        var result = await cluster.RunAsync("exec", "--node", "node-404", "pinned", "--", "true");

        Assert.True(result.ExitCode == 3, result.ToString());
    }

    [Fact]
    public async Task Run_submits_a_container_task()
    {
        var result = await cluster.RunAsync("run", "--json", "--cpu", "64", "web", "nginx:1.27", "--", "nginx", "-g", "daemon off;");

        Assert.True(result.ExitCode == 0, result.ToString());
        var task = JsonDocument.Parse(result.Stdout).RootElement;
        var container = task.GetProperty("spec").GetProperty("container");
        Assert.Equal("Container", task.GetProperty("spec").GetProperty("kind").GetString());
        Assert.Equal("nginx:1.27", container.GetProperty("image").GetString());
        Assert.Equal(["nginx", "-g", "daemon off;"], container.GetProperty("command").EnumerateArray().Select(c => c.GetString()));
        await cluster.RunAsync("cancel", task.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task Schedule_submits_deferred_and_cron_tasks_and_rejects_a_bad_cron()
    {
        var deferred = await cluster.RunAsync("schedule", "exec", "--json", "--at", "+1h", "later", "--", "true");
        var cron = await cluster.RunAsync("schedule", "run", "--json", "--cron", "*/5 * * * *", "nightly", "busybox", "--", "true");
        var bad = await cluster.RunAsync("schedule", "exec", "--cron", "every day", "bad", "--", "true");

        Assert.True(deferred.ExitCode == 0, deferred.ToString());
        var runAt = JsonDocument.Parse(deferred.Stdout).RootElement.GetProperty("spec").GetProperty("runAt").GetDateTimeOffset();
        Assert.InRange(runAt, DateTimeOffset.UtcNow.AddMinutes(58), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.True(cron.ExitCode == 0, cron.ToString());
        Assert.Equal("*/5 * * * *", JsonDocument.Parse(cron.Stdout).RootElement.GetProperty("spec").GetProperty("cron").GetString());
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("not a valid cron expression", bad.Stderr);
    }

    [Fact]
    public async Task Events_follow_the_log_as_json_lines()
    {
        await cluster.RunAsync("exec", "--wait", "evented", "--", "true");
        using var events = DerorProcess.Start(cluster.Args("events", "--json", "--after", "0"));

        var line = await events.WaitForLineAsync(l => l.Contains("\"type\":\"task\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var record = JsonDocument.Parse(line).RootElement;
        Assert.True(record.GetProperty("sequence").GetInt64() > 0);
        Assert.Equal("task", record.GetProperty("type").GetString());
        events.Signal("INT");
        Assert.Equal(130, await events.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}

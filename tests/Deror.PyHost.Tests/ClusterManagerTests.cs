using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>`from deror import ClusterManager` over the .NET facade, against a real silo hosting the domain grains.</summary>
public sealed class ClusterManagerTests(DomainCluster cluster) : IClassFixture<DomainCluster>
{
    [Fact]
    public async Task Health_tasks_and_their_lifecycle_come_back_as_records()
    {
        var result = await DerorPy.RunScriptAsync("""
            import dataclasses, os
            from deror import ClusterManager
            cluster = ClusterManager(os.environ["DEROR_CLUSTER_ID"])
            health = cluster.health_check()
            print("health", type(health).__name__, dataclasses.is_dataclass(health), health.cluster_id == cluster.cluster_id, health.nodes)
            print("repr", repr(health).startswith("ClusterHealth(cluster_id="), "<table><caption>ClusterHealth</caption>" in health._repr_html_())
            print("nodes", cluster.nodes())
            task = cluster.submit("echo", process=["echo", "hi"], max_attempts=2, timeout=30, idempotency_key="echo-1")
            again = cluster.submit("echo", process=["echo", "hi"], max_attempts=2, timeout=30, idempotency_key="echo-1")
            info = task.info()
            print("submitted", task.id == again.id, info.state, info.spec.process.command, info.spec.process.arguments, info.spec.max_attempts)
            print("listed", [t.id for t in cluster.tasks(state=info.state)] == [task.id], len(cluster.tasks(state="completed")))
            cancelled = task.cancel("not needed")
            print("cancelled", cancelled.state, task.wait(timeout=10).state)
            print("logs", type(task.logs()).__name__)
            """, cluster.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n');
        Assert.Equal("health ClusterHealth True True []", lines[0]);
        Assert.Equal("repr True True", lines[1]);
        Assert.Equal("nodes []", lines[2]);
        Assert.Matches("^submitted True (pending|scheduled) echo \\['hi'\\] 2$", lines[3]);
        Assert.Equal("listed True 0", lines[4]);
        Assert.Equal("cancelled cancelled cancelled", lines[5]);
        Assert.Equal("logs TaskLogs", lines[6]);
    }

    [Fact]
    public async Task Domain_failures_raise_deror_errors_and_async_variants_await()
    {
        var result = await DerorPy.RunScriptAsync("""
            import asyncio, os, deror
            cluster = deror.ClusterManager(os.environ["DEROR_CLUSTER_ID"])
            for label, call in [
                ("node", lambda: cluster.node("no-such-node")),
                ("task", lambda: cluster.task("no-such-task").info()),
                ("spec", lambda: cluster.submit("bad", process=[""])),
            ]:
                try:
                    call()
                except deror.DerorError as e:
                    print(label, type(e).__name__, e.dotnet_type.rsplit(".", 1)[-1])
            try:
                cluster.submit("two", process=["a"], handler="b")
            except TypeError as e:
                print("kinds", e)

            async def main():
                health, task = await asyncio.gather(cluster.health_check_async(), cluster.submit_async("later", process=["true"]))
                cancelled = await task.cancel_async()
                return health.cluster_id == cluster.cluster_id, cancelled.state, (await task.wait_async(timeout=5)).state
            print("async", *asyncio.run(main()))
            """, cluster.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n');
        Assert.Equal("node NotFoundError NodeNotFoundException", lines[0]);
        Assert.Equal("task NotFoundError TaskNotFoundException", lines[1]);
        Assert.Equal("spec InvalidArgumentError InvalidSpecException", lines[2]);
        Assert.Equal("kinds submit() takes exactly one of process=, container=, inference= or handler=", lines[3]);
        Assert.Equal("async True cancelled cancelled", lines[4]);
    }

    [Fact]
    public async Task A_token_must_be_a_string()
    {
        var result = await DerorPy.RunScriptAsync("""
            import deror
            try:
                deror.connect(token=42)
            except TypeError as e:
                print("rejected:", e)
            """, cluster.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("rejected: token must be a str\n", result.StandardOutput);
    }
}

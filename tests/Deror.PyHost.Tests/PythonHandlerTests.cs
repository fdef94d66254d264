using Deror.Grains;
using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>
/// <c>@deror.task</c> handlers in a real silo process (Deror:PyHost:Handlers) beside a real exo-sim: results, failures
/// with their Python traceback in the task's logs, concurrent handlers, cancellation and unknown names.
/// </summary>
public sealed class PythonHandlerTests
{
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromSeconds(60);

    private const string Handlers = """
        import threading
        import time

        import deror


        @deror.task("resize")
        def resize(width, height):
            print(f"resizing to {width}x{height}")
            return {"pixels": width * height, "on_main_thread": threading.current_thread() is threading.main_thread()}


        def check(reason):
            raise ValueError(f"cannot resize: {reason}")


        @deror.task("explode")
        def explode(reason):
            check(reason)


        _both = threading.Barrier(2)


        @deror.task("meet")
        def meet(who):
            # Two calls pass only together: they run at the same time, each on its own thread.
            _both.wait(timeout=30)
            return who


        @deror.task("spin")
        def spin():
            while True:
                time.sleep(0.02)
        """;

    [Fact]
    public async Task A_silo_runs_python_handlers_for_submitted_tasks()
    {
        using var directory = new TempDirectory();
        await using var silo = HandlerSilo.Start(directory, directory.Write("image_tasks.py", Handlers));
        var (client, manager) = await silo.ConnectWhenHealthyAsync();
        await using var _ = client;

        // Submitted from Python through deror-py, as a user would; the silo runs the Python handler.
        var submitted = await DerorPy.RunScriptAsync("""
            from deror import ClusterManager
            task = ClusterManager().submit("r", handler={"name": "resize", "arguments": {"width": 2, "height": 3}})
            info = task.wait(timeout=60)
            print(info.state, info.node, info.result)
            print(task.logs().text, end="")
            """, new Dictionary<string, string> { ["DEROR_GATEWAY"] = silo.Gateway, ["DEROR_CLUSTER_ID"] = silo.ClusterId, ["DEROR_TOKEN"] = silo.Token });
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Equal($"completed {HandlerSilo.Node} {{\"pixels\":6,\"on_main_thread\":false}}\nresizing to 2x3\n", submitted.StandardOutput);

        // The silo's gateway requires its token: token= overrides DEROR_TOKEN, and a wrong one is refused with the reason.
        var refused = await DerorPy.RunScriptAsync("""
            import deror
            from deror import ClusterManager
            try:
                ClusterManager(token="not-the-token").nodes()
            except deror.ConnectionError as e:
                print("refused:", type(e).__name__)
            """, new Dictionary<string, string> { ["DEROR_GATEWAY"] = silo.Gateway, ["DEROR_CLUSTER_ID"] = silo.ClusterId, ["DEROR_TOKEN"] = silo.Token });
        Assert.True(refused.ExitCode == 0, refused.ToString());
        Assert.Equal("refused: ConnectionError\n", refused.StandardOutput);

        var failed = await (await manager.SubmitAsync(TaskSpecs.Handler("x", "explode", "{\"reason\":\"no disk\"}"))).WaitAsync(TaskTimeout);
        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Equal("Handler 'explode' failed: ValueError: cannot resize: no disk", failed.Error);
        var traceback = (await manager.GetTask(failed.Id).GetLogsAsync()).Text;
        Assert.StartsWith("Traceback (most recent call last):", traceback, StringComparison.Ordinal);
        Assert.Contains("image_tasks.py\", line 19, in explode", traceback, StringComparison.Ordinal);
        Assert.Contains("in check\n    raise ValueError(f\"cannot resize: {reason}\")", traceback, StringComparison.Ordinal);
        Assert.EndsWith("ValueError: cannot resize: no disk\n", traceback, StringComparison.Ordinal);

        var meetings = await Task.WhenAll(
            from who in new[] { "\"ann\"", "\"bob\"" }
            select manager.SubmitAsync(TaskSpecs.Handler("m", "meet", who)).ContinueWith(t => t.Result.WaitAsync(TaskTimeout)).Unwrap());
        Assert.All(meetings, m => Assert.Equal(TaskState.Completed, m.State));
        Assert.Equal(["\"ann\"", "\"bob\""], meetings.Select(m => m.Result).Order(StringComparer.Ordinal));

        var spinning = await manager.SubmitAsync(TaskSpecs.Handler("s", "spin"));
        while ((await spinning.GetInfoAsync()).State != TaskState.Running)
        {
            await Task.Delay(50);
        }
        await spinning.CancelAsync();
        Assert.Equal(TaskState.Cancelled, (await spinning.WaitAsync(TaskTimeout)).State);

        var unknown = await (await manager.SubmitAsync(TaskSpecs.Handler("u", "nope"))).WaitAsync(TaskTimeout);
        Assert.Equal(TaskState.Failed, unknown.State);
        Assert.Equal($"No task handler named 'nope' is registered on node '{HandlerSilo.Node}' (it has: echo, explode, meet, noop, resize, spin).", unknown.Error);
    }

    [Fact]
    public async Task A_handler_file_that_raises_stops_the_silo_at_start_with_the_traceback()
    {
        using var directory = new TempDirectory();
        await using var silo = HandlerSilo.Start(directory, directory.Write("broken.py", "import deror\n\nlimit = 1 / 0\n"));

        Assert.Equal(2, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("error: Deror:PyHost:Handlers could not be loaded: Traceback (most recent call last):", silo.Process.StandardError, StringComparison.Ordinal);
        Assert.Contains("broken.py\", line 3, in <module>", silo.Process.StandardError, StringComparison.Ordinal);
        Assert.Contains("ZeroDivisionError: division by zero", silo.Process.StandardError, StringComparison.Ordinal);
    }
}

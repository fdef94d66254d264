using Deror.Grains;
using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>
/// <c>@deror.task</c> handlers in a real silo process (Deror:PyHost:Handlers) beside a real exo-sim: results, failures
/// with their Python traceback in the task's logs, bounded and live output, concurrent handlers, cancellation, the
/// node's advertised handlers and a task for a handler no node serves.
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
            print("spinning")
            while True:
                time.sleep(0.02)


        @deror.task("chatty")
        def chatty():
            for i in range(1, 20001):
                print(f"line {i:05}")
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
            print(ClusterManager().nodes()[0].handlers)
            """, new Dictionary<string, string> { ["DEROR_GATEWAY"] = silo.Gateway, ["DEROR_CLUSTER_ID"] = silo.ClusterId, ["DEROR_TOKEN"] = silo.Token });
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Equal(
            $"completed {HandlerSilo.Node} {{\"pixels\":6,\"on_main_thread\":false}}\nresizing to 2x3\n['chatty', 'echo', 'explode', 'meet', 'noop', 'resize', 'spin']\n",
            submitted.StandardOutput);

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

        // 220 KB of output: the task keeps the newest part, within Tasks:MaxLogBytes (64 KiB), and says so.
        var chatty = await (await manager.SubmitAsync(TaskSpecs.Handler("c", "chatty"))).WaitAsync(TaskTimeout);
        Assert.Equal(TaskState.Completed, chatty.State);
        var chattyLogs = await manager.GetTask(chatty.Id).GetLogsAsync();
        Assert.True(chattyLogs.Truncated);
        Assert.EndsWith("line 19999\nline 20000\n", chattyLogs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("line 00001", chattyLogs.Text, StringComparison.Ordinal);
        Assert.InRange(chattyLogs.Text.Length, 60_000, 64 * 1024);

        // What a handler prints reaches its task while it runs.
        var spinning = await manager.SubmitAsync(TaskSpecs.Handler("s", "spin"));
        using (var deadline = new CancellationTokenSource(TaskTimeout))
        {
            while ((await spinning.GetInfoAsync()).State != TaskState.Running || (await spinning.GetLogsAsync()).Text != "spinning\n")
            {
                await Task.Delay(50, deadline.Token);
            }
        }
        await spinning.CancelAsync();
        Assert.Equal(TaskState.Cancelled, (await spinning.WaitAsync(TaskTimeout)).State);

        // No node serves it: the task waits, saying for what, instead of failing on a node without it.
        var unknown = await manager.SubmitAsync(TaskSpecs.Handler("u", "nope"));
        var waiting = await unknown.GetInfoAsync();
        Assert.Equal(TaskState.Pending, waiting.State);
        Assert.Equal("waiting for a Healthy node that serves handler 'nope'", waiting.Reason);
        Assert.Equal(TaskState.Cancelled, (await unknown.CancelAsync()).State);
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

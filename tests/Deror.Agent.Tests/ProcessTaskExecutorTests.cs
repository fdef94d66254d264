using Deror.Agent.Execution;
using Deror.Agent.Posix;
using Deror.Grains;

namespace Deror.Agent.Tests;

public sealed class ProcessTaskExecutorTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Reports_exit_code_and_captured_output()
    {
        var script = _env.Script("task.sh", "echo \"hello $GREETING from $(pwd)\"; echo oops >&2; exit 3");
        var outcome = await Run(new ProcessSpec
        {
            Command = script,
            Environment = new Dictionary<string, string> { ["GREETING"] = "deror" },
            WorkingDirectory = _env.Directory,
        });

        Assert.False(outcome.Succeeded);
        Assert.Equal(3, outcome.ExitCode);
        Assert.Equal("Exited with code 3.", outcome.Error);
        Assert.Contains($"hello deror from {_env.Directory}", outcome.Logs, StringComparison.Ordinal);
        Assert.Contains("oops", outcome.Logs, StringComparison.Ordinal);
        Assert.False(outcome.LogsTruncated);
    }

    [Fact]
    public async Task Success_passes_arguments_verbatim()
    {
        var outcome = await Run(new ProcessSpec { Command = "printf", Arguments = ["%s|", "two words", "$HOME"] });

        Assert.True(outcome.Succeeded);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("two words|$HOME|", outcome.Logs);
    }

    [Fact]
    public async Task Output_is_bounded_to_the_last_bytes_with_a_truncation_note()
    {
        // 200 KiB of numbered lines; only the last 4 KiB are kept.
        var script = _env.Script("chatty.sh", "for i in $(seq 1 20000); do printf 'line %05d\\n' $i; done");
        var outcome = await Run(new ProcessSpec { Command = script }, maxLogBytes: 4096);

        Assert.True(outcome.Succeeded);
        Assert.True(outcome.LogsTruncated);
        Assert.StartsWith("[output truncated: ", outcome.Logs, StringComparison.Ordinal);
        Assert.EndsWith("line 20000\n", outcome.Logs, StringComparison.Ordinal);
        Assert.DoesNotContain("line 00001", outcome.Logs, StringComparison.Ordinal);
        Assert.InRange(outcome.Logs.Length, 4096, 4096 + 100);
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_group_including_grandchildren()
    {
        var pids = _env.PathOf("pids");
        // The task starts a grandchild that ignores SIGTERM, then waits on it.
        var script = _env.Script("tree.sh", $"bash -c \"trap '' TERM; echo \\$\\$ >> '{pids}'; sleep 60\" & echo $$ >> '{pids}'; wait");
        using var cancel = new CancellationTokenSource();
        var running = Run(new ProcessSpec { Command = script }, cancel.Token, grace: TimeSpan.FromMilliseconds(300));
        await TestEnvironment.WaitUntil(() => File.Exists(pids) && File.ReadAllLines(pids).Length == 2, "the task and its grandchild to start");
        var started = File.ReadAllLines(pids).Select(int.Parse).ToArray();
        foreach (var pid in started)
        {
            _env.Track(pid);
        }

        await cancel.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("Stopped with SIG", outcome.Error, StringComparison.Ordinal);
        Assert.All(started, pid => Assert.False(AdoptedProcess.IsAlive(pid), $"process {pid} survived the cancellation"));
    }

    [Fact]
    public async Task Missing_command_disabled_processes_and_missing_spec_fail_clearly()
    {
        var missing = await Run(new ProcessSpec { Command = "deror-no-such-tool" });
        Assert.Equal("Command 'deror-no-such-tool' was not found on PATH.", missing.Error);

        var executor = new ProcessTaskExecutor(new TaskExecutionOptions { EnableProcesses = false });
        var disabled = await executor.ExecuteAsync(Execution(new ProcessSpec { Command = "true" }), CancellationToken.None);
        Assert.Equal("Process tasks are disabled on this node (Deror:Sidecar:Tasks:EnableProcesses).", disabled.Error);

        var noSpec = await new ProcessTaskExecutor(new TaskExecutionOptions()).ExecuteAsync(new TaskExecution("t-1", 1, new TaskSpec { Kind = TaskKind.Process }, "node-a"), CancellationToken.None);
        Assert.Equal("The task is a Process task but has no Process spec.", noSpec.Error);
    }

    private static Task<TaskOutcome> Run(ProcessSpec spec, CancellationToken cancellationToken = default, int maxLogBytes = 64 * 1024, TimeSpan? grace = null)
    {
        var executor = new ProcessTaskExecutor(new TaskExecutionOptions { MaxLogBytes = maxLogBytes, KillGracePeriod = grace ?? TimeSpan.FromSeconds(1) });
        return executor.ExecuteAsync(Execution(spec), cancellationToken);
    }

    private static TaskExecution Execution(ProcessSpec spec) => new("t-1", 1, new TaskSpec { Kind = TaskKind.Process, Process = spec }, "node-a");
}

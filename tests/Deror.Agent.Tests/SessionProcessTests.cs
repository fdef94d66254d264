using Deror.Agent.Posix;

namespace Deror.Agent.Tests;

public sealed class SessionProcessTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Process_leads_its_own_process_group_and_keeps_its_pid()
    {
        var pidFile = _env.PathOf("self.pid");
        var script = _env.Script("self.sh", $"echo $$ > '{pidFile}'; exec sleep 30");
        using var process = SessionProcess.Start(new ProcessLaunch { Command = script });
        _env.Track(process.Pid);

        var reported = int.Parse((await TestEnvironment.WaitForFile(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(process.Pid, reported);
        Assert.Equal(process.Pid, PosixProcesses.GetProcessGroup(process.Pid));
        Assert.NotEqual(PosixProcesses.GetProcessGroup(Environment.ProcessId), process.Pid);
    }

    [Fact]
    public async Task Output_file_receives_stdout_and_stderr()
    {
        var log = _env.PathOf("logs/out.log");
        var script = _env.Script("talk.sh", "echo to-stdout; echo to-stderr >&2");
        using var process = SessionProcess.Start(new ProcessLaunch { Command = script, OutputFile = log });
        _env.Track(process.Pid);
        await process.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        var text = await File.ReadAllTextAsync(log);
        Assert.Contains("to-stdout", text, StringComparison.Ordinal);
        Assert.Contains("to-stderr", text, StringComparison.Ordinal);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public void Missing_command_and_working_directory_are_named()
    {
        var command = Assert.Throws<FileNotFoundException>(() => SessionProcess.Start(new ProcessLaunch { Command = "no-such-command-deror" }));
        Assert.Contains("'no-such-command-deror' was not found on PATH", command.Message, StringComparison.Ordinal);

        var cwd = _env.PathOf("missing");
        var directory = Assert.Throws<DirectoryNotFoundException>(() => SessionProcess.Start(new ProcessLaunch { Command = "true", WorkingDirectory = cwd }));
        Assert.Contains(cwd, directory.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_escalates_from_SIGINT_to_SIGTERM_to_SIGKILL_for_a_process_that_ignores_both()
    {
        var ready = _env.PathOf("ready");
        var script = _env.Script("stubborn.sh", $"trap '' INT TERM; touch '{ready}'; while true; do sleep 0.05; done");
        using var process = SessionProcess.Start(new ProcessLaunch { Command = script });
        _env.Track(process.Pid);
        await TestEnvironment.WaitUntil(() => File.Exists(ready), "the script to install its traps");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var endedBy = await ProcessStopper.StopAsync(process, ProcessStopper.Graceful(TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(300)));

        Assert.Equal(PosixSignal.Kill, endedBy);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(700), $"SIGKILL came after {watch.Elapsed.TotalMilliseconds:0} ms, before both waits passed");
        Assert.Equal(128 + 9, process.ExitCode);
        Assert.Empty(TestEnvironment.LiveGroupMembers(process.Pid));
    }

    [Fact]
    public async Task Stop_ends_with_SIGINT_for_a_process_that_exits_on_it()
    {
        var ready = _env.PathOf("ready");
        var script = _env.Script("polite.sh", $"trap 'exit 0' INT; touch '{ready}'; while true; do sleep 0.05; done");
        using var process = SessionProcess.Start(new ProcessLaunch { Command = script });
        _env.Track(process.Pid);
        await TestEnvironment.WaitUntil(() => File.Exists(ready), "the script to install its trap");

        var endedBy = await ProcessStopper.StopAsync(process, ProcessStopper.Graceful(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));

        Assert.Equal(PosixSignal.Interrupt, endedBy);
        Assert.Equal(0, process.ExitCode);
    }
}

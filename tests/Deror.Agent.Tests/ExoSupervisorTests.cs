using Deror.Agent.Posix;
using Deror.Agent.Supervision;
using Deror.Grains;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Agent.Tests;

public sealed class ExoSupervisorTests : IAsyncLifetime
{
    private readonly TestEnvironment _env = new();
    private readonly List<ExoSupervisor> _supervisors = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var supervisor in _supervisors)
        {
            if (supervisor.Pid is { } pid)
            {
                _env.Track(pid);
            }
            await supervisor.DisposeAsync();
        }
        _env.Dispose();
    }

    [Fact]
    public async Task Starts_Exo_writes_its_pid_and_is_Running_once_a_probe_answers()
    {
        var options = Options(_env.Script("exo.sh", "exec sleep 60"));
        var supervisor = Start(options);

        await TestEnvironment.WaitUntil(() => supervisor.Pid is not null, "Exo to start");
        Assert.Equal(ExoProcessStatus.Starting, supervisor.Status);
        Assert.Equal(supervisor.Pid, int.Parse(File.ReadAllText(options.PidFile!).Trim(), System.Globalization.CultureInfo.InvariantCulture));

        supervisor.ReportProbe(answered: true);
        Assert.Equal(ExoProcessStatus.Running, supervisor.Status);
    }

    [Fact]
    public async Task Restarts_Exo_after_kill_9_with_growing_backoff()
    {
        var options = Options(_env.Script("exo.sh", "exec sleep 60"));
        options.RestartDelay = TimeSpan.FromMilliseconds(300);
        options.MaxRestartDelay = TimeSpan.FromSeconds(5);
        var supervisor = Start(options);
        await TestEnvironment.WaitUntil(() => supervisor.Pid is not null, "Exo to start");

        var first = KillAndTimeRestart(supervisor);
        var firstDelay = await first;
        var secondDelay = await KillAndTimeRestart(supervisor);

        Assert.Equal(2, supervisor.Restarts);
        Assert.True(firstDelay >= TimeSpan.FromMilliseconds(300), $"first restart after {firstDelay.TotalMilliseconds:0} ms");
        Assert.True(secondDelay >= TimeSpan.FromMilliseconds(600), $"second restart after {secondDelay.TotalMilliseconds:0} ms: the delay should double");
    }

    [Fact]
    public async Task Restarts_Exo_after_failed_liveness_probes()
    {
        var options = Options(_env.Script("exo.sh", "exec sleep 60"));
        options.FailedProbesBeforeRestart = 3;
        var supervisor = Start(options);
        await TestEnvironment.WaitUntil(() => supervisor.Pid is not null, "Exo to start");
        var hung = supervisor.Pid!.Value;
        supervisor.ReportProbe(answered: true);

        supervisor.ReportProbe(answered: false);
        supervisor.ReportProbe(answered: false);
        Assert.Equal(hung, supervisor.Pid);
        supervisor.ReportProbe(answered: false);

        await TestEnvironment.WaitUntil(() => supervisor.Pid is { } pid && pid != hung, "a new Exo after three failed probes");
        Assert.False(AdoptedProcess.IsAlive(hung));
        Assert.Equal(1, supervisor.Restarts);
    }

    [Fact]
    public async Task Restarts_Exo_that_never_answers_within_the_start_timeout()
    {
        var options = Options(_env.Script("exo.sh", "exec sleep 60"));
        options.StartTimeout = TimeSpan.FromMilliseconds(500);
        var supervisor = Start(options);
        await TestEnvironment.WaitUntil(() => supervisor.Pid is not null, "Exo to start");
        var silent = supervisor.Pid!.Value;

        await TestEnvironment.WaitUntil(() => supervisor.Pid is { } pid && pid != silent, "a new Exo after the start timeout");
    }

    [Fact]
    public async Task Adopts_a_running_Exo_from_the_pid_file_and_replaces_it_when_it_dies()
    {
        using var existing = SessionProcess.Start(new ProcessLaunch { Command = "sleep", Arguments = ["60"] });
        _env.Track(existing.Pid);
        var options = Options(_env.Script("exo.sh", "exec sleep 60"));
        File.WriteAllText(options.PidFile!, existing.Pid + "\n");

        var supervisor = Start(options);
        await TestEnvironment.WaitUntil(() => supervisor.Pid is not null, "Exo to be adopted");
        Assert.Equal(existing.Pid, supervisor.Pid);

        PosixProcesses.Signal(existing.Pid, PosixSignal.Kill);
        await TestEnvironment.WaitUntil(() => supervisor.Pid is { } pid && pid != existing.Pid, "a new Exo after the adopted one died");
        Assert.Equal(supervisor.Pid, int.Parse(File.ReadAllText(options.PidFile!).Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Passes_namespace_and_force_master_and_environment()
    {
        var argsFile = _env.PathOf("args");
        var options = Options(_env.Script("exo.sh", $"echo \"$* EXO_HOME=$EXO_HOME\" > '{argsFile}'; exec sleep 60"));
        options.Arguments = ["--api-port", "52999"];
        options.Namespace = "deror-test";
        options.ForceMaster = true;
        options.Environment = new() { ["EXO_HOME"] = "/srv/exo" };
        Start(options);

        var line = (await TestEnvironment.WaitForFile(argsFile)).Trim();
        Assert.Equal("--api-port 52999 --namespace deror-test --force-master EXO_HOME=/srv/exo", line);
    }

    [Fact]
    public async Task Stop_on_purpose_escalates_and_stays_stopped_until_started_again()
    {
        var ready = _env.PathOf("ready");
        var options = Options(_env.Script("exo.sh", $"trap '' INT TERM; touch '{ready}'; while true; do sleep 0.05; done"));
        options.InterruptTimeout = TimeSpan.FromMilliseconds(200);
        options.TerminateTimeout = TimeSpan.FromMilliseconds(200);
        var supervisor = Start(options);
        await TestEnvironment.WaitUntil(() => File.Exists(ready), "Exo to start");
        var pid = supervisor.Pid!.Value;

        await supervisor.StopExoAsync("drain", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ExoProcessStatus.Stopped, supervisor.Status);
        Assert.False(AdoptedProcess.IsAlive(pid));
        Assert.False(File.Exists(options.PidFile!));
        Assert.Equal(0, supervisor.Restarts);

        supervisor.StartExo("maintenance done");
        await TestEnvironment.WaitUntil(() => supervisor.Pid is { } next && next != pid, "Exo to start again");
        Assert.Equal(ExoProcessStatus.Starting, supervisor.Status);
    }

    [Fact]
    public async Task Silo_shutdown_stops_Exo_or_leaves_it_running_per_policy()
    {
        var stopping = Options(_env.Script("exo1.sh", "exec sleep 60"));
        var stopped = Start(stopping);
        await TestEnvironment.WaitUntil(() => stopped.Pid is not null, "Exo to start");
        var stoppedPid = stopped.Pid!.Value;
        await stopped.ShutdownAsync(CancellationToken.None);
        Assert.False(AdoptedProcess.IsAlive(stoppedPid));

        var leaving = Options(_env.Script("exo2.sh", "exec sleep 60"), pidFile: "exo2.pid");
        leaving.OnSiloShutdown = ExoShutdownPolicy.LeaveRunning;
        var left = Start(leaving);
        await TestEnvironment.WaitUntil(() => left.Pid is not null, "Exo to start");
        var leftPid = _env.Track(left.Pid!.Value);
        await left.ShutdownAsync(CancellationToken.None);
        Assert.True(AdoptedProcess.IsAlive(leftPid));

        // The next silo's supervisor adopts it.
        var next = Start(leaving);
        await TestEnvironment.WaitUntil(() => next.Pid is not null, "Exo to be adopted");
        Assert.Equal(leftPid, next.Pid);
    }

    [Fact]
    public void Backoff_doubles_up_to_the_cap_and_resets_after_a_stable_run()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), stableAfter: TimeSpan.FromMinutes(1));
        var quick = TimeSpan.FromSeconds(2);

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next(quick));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Next(quick));
        Assert.Equal(TimeSpan.FromSeconds(4), backoff.Next(quick));
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Next(quick));
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Next(quick));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next(TimeSpan.FromMinutes(2)));
    }

    private static async Task<TimeSpan> KillAndTimeRestart(ExoSupervisor supervisor)
    {
        var victim = supervisor.Pid!.Value;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        PosixProcesses.Signal(victim, PosixSignal.Kill);
        await TestEnvironment.WaitUntil(() => supervisor.Pid is { } pid && pid != victim, $"a new Exo after kill -9 of {victim}");
        return watch.Elapsed;
    }

    private ExoSupervisorOptions Options(string command, string pidFile = "exo.pid") => new()
    {
        Command = command,
        PidFile = _env.PathOf(pidFile),
        RestartDelay = TimeSpan.FromMilliseconds(100),
        InterruptTimeout = TimeSpan.FromSeconds(1),
        TerminateTimeout = TimeSpan.FromSeconds(1),
    };

    private ExoSupervisor Start(ExoSupervisorOptions options)
    {
        var supervisor = new ExoSupervisor(options, NullLogger<ExoSupervisor>.Instance, TimeProvider.System);
        _supervisors.Add(supervisor);
        supervisor.Start();
        return supervisor;
    }
}

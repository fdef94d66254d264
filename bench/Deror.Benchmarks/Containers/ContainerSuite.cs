using System.Diagnostics;
using Deror.Benchmarks.Reporting;
using Deror.Docker;
using Deror.Testing.Servers;

namespace Deror.Benchmarks.Containers;

/// <summary>
/// Container-task start overhead: create→start→wait→remove of <c>true</c> through Deror.Docker against a bare
/// <c>docker run --rm</c> of the same image on the same private dockerd (vfs, no network), runs alternating so a
/// burst of load from elsewhere on the machine lands on both alike. The CLI's own process start is part of its
/// figure, as it is part of what a user of <c>docker run</c> waits for.
/// </summary>
public sealed class ContainerSuite(RunSettings settings)
{
    private const double LatencyTarget = 1.2;
    private const int WarmupRuns = 2;

    public async Task RunAsync(SummaryTable table)
    {
        using var engine = DockerEngine.StartNew();
        using var docker = new DockerClient(new DockerClientOptions { SocketPath = engine.SocketPath });
        var spec = new DockerContainerSpec { Image = DockerEngine.BusyboxImage, Command = ["true"], NetworkMode = "none" };
        string[] cli = ["run", "--rm", "--network", "none", DockerEngine.BusyboxImage, "true"];

        async Task<double> Deror()
        {
            var start = Stopwatch.GetTimestamp();
            var id = await docker.CreateContainerAsync(spec);
            await docker.StartContainerAsync(id);
            var exit = await docker.WaitContainerAsync(id);
            await docker.RemoveContainerAsync(id);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            return exit.ExitCode == 0 ? elapsed : throw new InvalidOperationException($"'true' exited with {exit.ExitCode} through Deror.Docker.");
        }
        double Cli()
        {
            var start = Stopwatch.GetTimestamp();
            engine.RunCli(cli);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        for (var run = 0; run < WarmupRuns; run++)
        {
            await Deror();
            Cli();
        }
        var deror = new List<double>();
        var raw = new List<double>();
        for (var run = 1; run <= settings.ContainerRuns; run++)
        {
            deror.Add(await Deror());
            raw.Add(Cli());
            Console.WriteLine($"[container] run {run}: Deror.Docker {deror[^1]:N0} ms, docker run --rm {raw[^1]:N0} ms");
        }

        foreach (var percentile in new[] { 50.0, 99.0 })
        {
            var derorMs = Statistics.Percentile(deror, percentile);
            var rawMs = Statistics.Percentile(raw, percentile);
            var ratio = derorMs / rawMs;
            table.Add(new SummaryRow(
                $"Container task start→exit→removed of `true`, p{percentile} (ms, {settings.ContainerRuns} runs each)",
                $"{derorMs:N0} ms",
                $"{rawMs:N0} ms",
                $"{ratio:N2}x",
                percentile == 50 ? "≤ 1.2x docker run" : "—",
                percentile == 50 ? ratio <= LatencyTarget : null));
        }
    }
}

using System.Diagnostics;
using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>Ctrl-C (SIGINT) during a long .NET call raises KeyboardInterrupt in Python within about a second.</summary>
public sealed class InterruptTests
{
    [Fact]
    public async Task Sigint_during_a_blocked_call_raises_KeyboardInterrupt_quickly()
    {
        using var gateway = new SilentGateway();
        using var directory = new TempDirectory();
        // The gateway accepts but never hands back a handshake: connecting blocks in .NET for up to 60 s.
        var script = directory.Write("blocked.py", $$"""
            import traceback, deror
            try:
                deror.connect("{{gateway.Endpoint}}", "silent", connect_timeout=60)
            except KeyboardInterrupt as e:
                print("interrupted in", traceback.extract_tb(e.__traceback__)[-1].name, flush=True)
            print("after the call, the script goes on", flush=True)
            """);
        using var host = HostProcess.StartDerorPy([script], workingDirectory: directory.Path);
        // Connected to the gateway: the call is in .NET's hands and the host waits with the GIL released.
        await gateway.WaitForConnectionAsync(TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        await host.SignalAsync("INT");
        var line = await host.WaitForLineAsync(l => l.StartsWith("interrupted", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var elapsed = clock.Elapsed;

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Equal("interrupted in connect", line);
        Assert.Contains("after the call, the script goes on", host.StandardOutput, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"KeyboardInterrupt took {elapsed.TotalMilliseconds:0} ms.\n{host.Output}");
    }

    [Fact]
    public async Task Sigint_after_connecting_still_interrupts_and_an_unhandled_one_exits_130()
    {
        using var gateway = new SilentGateway();
        var cluster = new HelloCluster();
        await cluster.InitializeAsync();
        using var directory = new TempDirectory();
        // Connecting starts the .NET client, whose host would take over SIGINT; the second call must still be interruptible.
        var script = directory.Write("connected.py", $$"""
            import deror
            print(deror.grain("IHelloGrain", "sigint").get_greeting_count(), flush=True)
            deror.connect("{{gateway.Endpoint}}", "silent", connect_timeout=60)
            """);
        try
        {
            using var host = HostProcess.StartDerorPy([script], cluster.Environment, directory.Path);
            var connected = gateway.WaitForConnectionAsync(TimeSpan.FromSeconds(30));
            await Task.WhenAny(connected);
            Assert.True(connected.IsCompletedSuccessfully, $"deror-py never reached the silent gateway.\n{host.Output}");
            await host.SignalAsync("INT");

            Assert.Equal(130, await host.WaitForExitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains("KeyboardInterrupt", host.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}

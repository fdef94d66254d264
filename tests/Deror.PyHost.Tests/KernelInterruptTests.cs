using System.Globalization;
using System.Text.Json.Nodes;
using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>
/// Jupyter's interrupt, as jupyter_client sends it for the kernelspec's <c>interrupt_mode</c> (SIGINT for
/// <c>signal</c>, an <c>interrupt_request</c> on the control channel for <c>message</c>), cancels a blocking .NET
/// call in the deror kernel within about a second, and the kernel keeps working.
/// </summary>
public sealed class KernelInterruptTests
{
    private const string Python = "/usr/bin/python3.11";

    // Drives the kernel with jupyter_client: runs a cell that blocks in .NET, waits for the test's go on stdin,
    // interrupts, and reports how long the KeyboardInterrupt took and what the next cell printed.
    private const string Driver = """
        import sys, time
        from jupyter_client.manager import KernelManager

        gateway = sys.argv[1]
        km = KernelManager(kernel_name="deror")
        km.start_kernel()
        print("kernel pid", km.provisioner.pid, flush=True)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            blocked = kc.execute(
                "import deror\n"
                "try:\n"
                f"    deror.connect({gateway!r}, 'silent', connect_timeout=60)\n"
                "except KeyboardInterrupt:\n"
                "    print('interrupted')\n")
            print("executing", flush=True)
            sys.stdin.readline()
            started = time.monotonic()
            km.interrupt_kernel()
            seen = None
            while seen is None:
                message = kc.get_iopub_msg(timeout=10)
                if message["parent_header"].get("msg_id") == blocked and message["msg_type"] == "stream":
                    seen = message["content"]["text"].strip()
            print(f"{seen} after {(time.monotonic() - started) * 1000:.0f} ms", flush=True)
            reply = kc.execute_interactive("print(deror.interfaces()[0])", timeout=30, output_hook=lambda m: m["msg_type"] == "stream" and print("next cell:", m["content"]["text"].strip(), flush=True))
            print("status", reply["content"]["status"], flush=True)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        """;

    [Theory]
    [InlineData("signal")]
    [InlineData("message")]
    public async Task Jupyter_interrupt_cancels_a_blocked_call_within_about_a_second(string interruptMode)
    {
        using var gateway = new SilentGateway();
        using var directory = new TempDirectory();
        var jupyter = new Jupyter(directory);
        await jupyter.InstallKernelAsync();
        var kernelJson = Path.Combine(jupyter.DataDirectory, "kernels", "deror", "kernel.json");
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(kernelJson))!;
        spec["interrupt_mode"] = interruptMode;
        await File.WriteAllTextAsync(kernelJson, spec.ToJsonString());

        using var driver = HostProcess.Start(RepositoryPaths.Tool(Python), ["-c", Driver, gateway.Endpoint], jupyter.Environment(), directory.Path, redirectInput: true);
        var kernelPid = int.Parse((await driver.WaitForLineAsync(l => l.StartsWith("kernel pid ", StringComparison.Ordinal), TimeSpan.FromSeconds(60)))["kernel pid ".Length..], CultureInfo.InvariantCulture);
        try
        {
            await driver.WaitForLineAsync(l => l == "executing", TimeSpan.FromSeconds(60));
            // The cell is now blocked in .NET, connecting to a gateway that never answers.
            await gateway.WaitForConnectionAsync(TimeSpan.FromSeconds(30));
            await driver.Input.WriteLineAsync("go");
            await driver.Input.FlushAsync();

            var line = await driver.WaitForLineAsync(l => l.StartsWith("interrupted after ", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
            var elapsed = double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture);
            Assert.True(elapsed < 1500, $"The interrupt took {elapsed} ms.\n{driver.Output}");
            Assert.Equal(0, await driver.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("next cell: Deror.", driver.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("status ok", driver.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            KillIfRunning(kernelPid);
        }
    }

    private static void KillIfRunning(int pid)
    {
        try
        {
            using var kernel = System.Diagnostics.Process.GetProcessById(pid);
            kernel.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // Shut down by the driver, as it should be.
        }
    }
}

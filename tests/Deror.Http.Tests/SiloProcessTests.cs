using System.Net;
using System.Text.Json;

namespace Deror.Http.Tests;

/// <summary>The real silo executable serving HTTP: it starts, serves, stops cleanly, and refuses an unguarded public bind.</summary>
public sealed class SiloProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deror-http-").FullName;

    [Fact]
    public async Task Bound_beyond_loopback_without_a_token_the_silo_refuses_to_start_with_exit_code_2()
    {
        using var silo = SiloProcess.Start(_directory, "--Deror:Http:Address=0.0.0.0", $"--Deror:Http:Port={SiloProcess.FreePort()}", "--Deror:SiloPort=0", "--Deror:GatewayPort=0");

        Assert.Equal(2, await silo.WaitForExitAsync());
        Assert.StartsWith("error: ", silo.StandardError, StringComparison.Ordinal);
        Assert.Contains("Deror:Http:Token is required when Deror:Http:Address (0.0.0.0) is not a loopback address", silo.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_silo_serves_probes_api_and_dashboard_then_stops_cleanly_on_sigterm()
    {
        var port = SiloProcess.FreePort();
        using var silo = SiloProcess.Start(
            _directory,
            $"--Deror:Http:Port={port}", "--Deror:SiloPort=0", $"--Deror:GatewayPort={SiloProcess.FreePort()}",
            $"--Deror:Storage:SqlitePath={Path.Combine(_directory, "deror.db")}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.False(silo.HasExited, $"The silo exited. Output:\n{silo.Output}");
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or still too busy starting to answer within the client's timeout.
            }
            Assert.True(DateTime.UtcNow < deadline, $"The silo did not become ready. Output:\n{silo.Output}");
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var health = JsonDocument.Parse(await http.GetStringAsync("/api/cluster/health")).RootElement;
        Assert.Equal("local", health.GetProperty("clusterId").GetString());
        Assert.Contains("<title>Deror</title>", await http.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Contains($"HTTP API and dashboard at http://127.0.0.1:{port}", silo.Output, StringComparison.Ordinal);

        Assert.True(await silo.StopAsync() == 0, $"The silo did not exit cleanly on SIGTERM. Output:\n{silo.Output}");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

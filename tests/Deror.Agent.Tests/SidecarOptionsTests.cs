using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Deror.Agent.Tests;

public sealed class SidecarOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        var result = new SidecarOptionsValidator().Validate(null, new SidecarOptions());
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Bad_settings_are_named_with_their_configuration_path()
    {
        var options = new SidecarOptions
        {
            NodeName = " ",
            ExoApiUrl = new Uri("ftp://exo/"),
            Exo = { Command = "", RestartDelay = TimeSpan.FromSeconds(10), MaxRestartDelay = TimeSpan.FromSeconds(1), FailedProbesBeforeRestart = 0 },
            Tasks = { MaxLogBytes = 10, DockerSocket = "docker.sock" },
        };

        var failures = new SidecarOptionsValidator().Validate(null, options).Failures!.ToArray();

        Assert.Equal(
        [
            "Deror:Sidecar:NodeName must not be empty.",
            "Deror:Sidecar:ExoApiUrl must be an absolute http(s) URL.",
            "Deror:Sidecar:Exo:Command must name the Exo executable when Exo:Supervise is on.",
            "Deror:Sidecar:Exo:MaxRestartDelay must be at least Exo:RestartDelay.",
            "Deror:Sidecar:Exo:FailedProbesBeforeRestart must be at least 1.",
            "Deror:Sidecar:Tasks:MaxLogBytes must be at least 1024.",
            "Deror:Sidecar:Tasks:DockerSocket must be an absolute path when Tasks:EnableContainers is on.",
        ], failures);
    }

    [Fact]
    public void Binds_from_the_Deror_Sidecar_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Deror:Sidecar:NodeName"] = "node-7",
            ["Deror:Sidecar:ExoApiUrl"] = "http://10.0.0.7:52415/",
            ["Deror:Sidecar:Exo:Supervise"] = "false",
            ["Deror:Sidecar:Exo:Arguments:0"] = "--no-downloads",
            ["Deror:Sidecar:Exo:OnSiloShutdown"] = "LeaveRunning",
            ["Deror:Sidecar:Tasks:EnableProcesses"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddOptions<SidecarOptions>().Bind(configuration.GetSection(SidecarOptions.ConfigurationSection));

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<SidecarOptions>>().Value;

        Assert.Equal("node-7", options.NodeName);
        Assert.Equal(new Uri("http://10.0.0.7:52415/"), options.ExoApiUrl);
        Assert.False(options.Exo.Supervise);
        Assert.Equal(["--no-downloads"], options.Exo.Arguments);
        Assert.Equal(ExoShutdownPolicy.LeaveRunning, options.Exo.OnSiloShutdown);
        Assert.False(options.Tasks.EnableProcesses);
    }
}

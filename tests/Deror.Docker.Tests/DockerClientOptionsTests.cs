using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Deror.Docker.Tests;

public sealed class DockerClientOptionsTests
{
    [Theory]
    [InlineData("docker.sock", null, "SocketPath")]
    [InlineData("", null, "SocketPath")]
    [InlineData("/run/docker.sock", "1.40", "ApiVersion")]
    [InlineData("/run/docker.sock", "2", "ApiVersion")]
    [InlineData("/run/docker.sock", "v1.41", "ApiVersion")]
    public void Invalid_options_are_refused_naming_the_setting(string socketPath, string? apiVersion, string setting)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new DockerClient(new DockerClientOptions { SocketPath = socketPath, ApiVersion = apiVersion }));

        Assert.Contains($"DockerClientOptions.{setting}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_socket_path_too_long_for_a_unix_socket_is_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new DockerClient(new DockerClientOptions { SocketPath = "/" + new string('d', 120) }));

        Assert.Contains("107 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_positive_timeouts_and_log_limits_are_refused()
    {
        Assert.Throws<OptionsValidationException>(() => new DockerClient(new DockerClientOptions { RequestTimeout = TimeSpan.Zero }));
        Assert.Throws<OptionsValidationException>(() => new DockerClient(new DockerClientOptions { MaxLogBytes = 0 }));
    }

    [Fact]
    public void The_registered_client_uses_the_configured_socket_and_invalid_options_fail_its_resolution()
    {
        using var valid = new ServiceCollection().AddDockerClient(options => options.SocketPath = "/tmp/deror-test.sock").BuildServiceProvider();
        using var invalid = new ServiceCollection().AddDockerClient(options => options.SocketPath = "relative.sock").BuildServiceProvider();

        Assert.Equal("/tmp/deror-test.sock", valid.GetRequiredService<DockerClient>().SocketPath);
        Assert.Same(valid.GetRequiredService<DockerClient>(), valid.GetRequiredService<DockerClient>());
        Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<DockerClient>());
    }

    [Fact]
    public async Task An_engine_that_accepts_but_never_answers_times_out()
    {
        var directory = Directory.CreateTempSubdirectory("deror-docker-tests-");
        try
        {
            var path = Path.Combine(directory.FullName, "silent.sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen();
            using var docker = new DockerClient(new DockerClientOptions { SocketPath = path, RequestTimeout = TimeSpan.FromMilliseconds(300) });

            var error = await Assert.ThrowsAsync<TimeoutException>(() => docker.PingAsync());

            Assert.Contains("ping", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_call_cancelled_by_its_caller_is_a_cancellation_not_a_timeout()
    {
        var directory = Directory.CreateTempSubdirectory("deror-docker-tests-");
        try
        {
            var path = Path.Combine(directory.FullName, "silent.sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen();
            using var docker = new DockerClient(new DockerClientOptions { SocketPath = path });
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => docker.PingAsync(cancellation.Token));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

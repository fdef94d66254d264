using Deror.Testing.Servers;

namespace Deror.Docker.Tests;

/// <summary>Talking to the engine itself: ping, version negotiation, images, and an engine that is not there.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerClientEngineTests(DockerEngineFixture fixture)
{
    private readonly DockerClient _docker = fixture.Client;

    [Fact]
    public async Task Ping_and_version_describe_the_engine()
    {
        await _docker.PingAsync();
        var version = await _docker.GetVersionAsync();

        Assert.False(string.IsNullOrEmpty(version.Version));
        Assert.True(version.ApiVersion >= DockerApiVersion.Minimum);
        Assert.True(version.MinApiVersion <= version.ApiVersion);
        Assert.Equal("linux", version.Os);
    }

    [Fact]
    public async Task A_client_pinned_to_the_oldest_supported_version_works()
    {
        using var pinned = new DockerClient(new DockerClientOptions { SocketPath = fixture.Engine.SocketPath, ApiVersion = DockerApiVersion.Minimum.ToString() });

        var result = await pinned.RunToCompletionAsync(DockerEngineFixture.Busybox("echo", "pinned"));

        Assert.Equal("pinned\n", result.Logs.Stdout);
    }

    [Fact]
    public async Task The_imported_image_is_present()
    {
        var image = await _docker.InspectImageAsync(DockerEngine.BusyboxImage);

        Assert.StartsWith("sha256:", image.Id, StringComparison.Ordinal);
        Assert.Contains(DockerEngine.BusyboxImage, image.RepoTags);
        Assert.True(image.Size > 0);
    }

    [Fact]
    public async Task A_missing_image_is_a_typed_error_naming_it()
    {
        var inspect = await Assert.ThrowsAsync<DockerImageNotFoundException>(() => _docker.InspectImageAsync("deror-missing:latest"));
        var create = await Assert.ThrowsAsync<DockerImageNotFoundException>(
            () => _docker.CreateContainerAsync(DockerEngineFixture.Busybox("true") with { Image = "registry.example/team/deror-missing:1.0" }));

        Assert.Equal("image deror-missing:latest is not present", inspect.Message);
        Assert.Equal("deror-missing:latest", inspect.Image);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, inspect.StatusCode);
        Assert.Equal("image registry.example/team/deror-missing:1.0 is not present", create.Message);
        Assert.Contains("No such image", create.EngineMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_is_not_there_is_a_typed_error_naming_its_socket()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"deror-no-engine-{Guid.NewGuid():N}.sock");
        using var absent = new DockerClient(new DockerClientOptions { SocketPath = socket });

        var ping = await Assert.ThrowsAsync<DockerEngineUnavailableException>(() => absent.PingAsync());
        var create = await Assert.ThrowsAsync<DockerEngineUnavailableException>(() => absent.CreateContainerAsync(DockerEngineFixture.Busybox("true")));

        Assert.Equal(socket, ping.SocketPath);
        Assert.Contains(socket, ping.Message, StringComparison.Ordinal);
        Assert.Equal(socket, create.SocketPath);
    }
}

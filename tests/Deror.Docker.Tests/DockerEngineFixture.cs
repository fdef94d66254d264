using Deror.Testing.Servers;

namespace Deror.Docker.Tests;

/// <summary>The private engine shared by the <see cref="DockerCollection"/>, and a client of it.</summary>
public sealed class DockerEngineFixture : IDisposable
{
    public DockerEngineFixture()
    {
        Engine = DockerEngine.StartNew();
        Client = new DockerClient(new DockerClientOptions { SocketPath = Engine.SocketPath });
    }

    public DockerEngine Engine { get; }

    public DockerClient Client { get; }

    /// <summary>A busybox container running <paramref name="command"/>, without a network (the engine has no bridge).</summary>
    public static DockerContainerSpec Busybox(params string[] command)
        => new() { Image = DockerEngine.BusyboxImage, Command = command, NetworkMode = "none" };

    /// <summary>A label unique to one test, so tests sharing the engine never see each other's containers.</summary>
    public static Dictionary<string, string> UniqueLabels() => new() { ["deror.test"] = Guid.NewGuid().ToString("N") };

    /// <summary>The filter that lists the containers carrying exactly <paramref name="labels"/>.</summary>
    public static Dictionary<string, string?> Filter(IReadOnlyDictionary<string, string> labels)
        => labels.ToDictionary(label => label.Key, label => (string?)label.Value);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 20 s.");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Engine.Dispose();
    }
}

namespace Deror.Docker.Tests;

/// <summary>
/// The test classes that use the shared private engine: one engine per test run, stopped when the collection ends.
/// Its classes run one after another, which also spares the shared 2-core machines.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "Docker engine";
}

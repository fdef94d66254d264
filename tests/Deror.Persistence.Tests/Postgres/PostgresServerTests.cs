using Deror.Testing.Servers;
using System.Diagnostics;
using Deror.Persistence.Postgres;
using Deror.Persistence.Tests.Conformance;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Deror.Persistence.Tests.Postgres;

/// <summary>The test server itself: a clear failure without binaries, data kept across a restart, nothing left behind, orphans swept.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests
{
    private static readonly GrainId Grain = TestGrains.Create("restart");

    [Fact]
    public void MissingBinariesFailWithInstructions()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-postgres-{Guid.NewGuid():N}");

        var error = Assert.Throws<InvalidOperationException>(() => PostgresServer.StartNew(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("install-test-dependencies.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartKeepsTheDataAndDisposeRemovesEverything()
    {
        var server = PostgresServer.StartNew();
        string etag;
        try
        {
            var options = new PostgresStorageOptions { ConnectionString = server.EnsureDatabase("restart") };
            using (var storage = new PostgresGrainStorage(options, "restart", NullLoggerFactory.Instance))
            {
                etag = await storage.WriteAsync("state", Grain, new byte[] { 4, 2 }, expectedEtag: null);
            }

            server.Restart();

            using var afterRestart = new PostgresGrainStorage(options, "restart", NullLoggerFactory.Instance);
            Assert.Equal(etag, (await afterRestart.ReadAsync("state", Grain))?.Etag);
        }
        finally
        {
            server.Dispose();
        }

        Assert.False(Directory.Exists(server.RootDirectory));
        await using var connection = new NpgsqlConnection(server.ConnectionString() + ";Pooling=false;Timeout=2");
        await Assert.ThrowsAsync<NpgsqlException>(() => connection.OpenAsync());
    }

    [Fact]
    public async Task StartingAServerRemovesTheServerOfADeadTestRun()
    {
        using var orphan = PostgresServer.StartNew();
        using var deadProcess = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await deadProcess.WaitForExitAsync();
        await File.WriteAllTextAsync(Path.Combine(orphan.RootDirectory, "owner.pid"), deadProcess.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using (PostgresServer.StartNew())
        {
            Assert.False(Directory.Exists(orphan.RootDirectory));
            await using var connection = new NpgsqlConnection(orphan.ConnectionString() + ";Pooling=false;Timeout=2");
            await Assert.ThrowsAsync<NpgsqlException>(() => connection.OpenAsync());
        }
    }
}

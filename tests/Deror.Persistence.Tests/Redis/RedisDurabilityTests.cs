using Deror.Testing.Servers;
using System.Net;
using Deror.Persistence.Redis;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Redis;

/// <summary>Restarts the shared server, so it runs alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(RedisRestartCollection), DisableParallelization = true)]
public sealed class RedisRestartCollection;

/// <summary>What the providers wrote survives a Redis restart (the test server runs with AOF, as production must).</summary>
[Collection(nameof(RedisRestartCollection))]
public sealed class RedisDurabilityTests
{
    private static readonly GrainId Grain = TestGrains.Create("durable");
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task DataWrittenBeforeARestartIsReadAfterIt()
    {
        var server = RedisServerFixture.Shared;
        var id = RedisServerFixture.UniqueId();
        var silo = new SiloAddress(new IPEndPoint(IPAddress.Loopback, 11111), 1);
        var storage = new RedisGrainStorage(server.Connection, id, NullLoggerFactory.Instance);
        var membership = new RedisMembershipTable(server.Connection, id, NullLoggerFactory.Instance);
        var directory = new RedisGrainDirectory(server.Connection, id, NullLoggerFactory.Instance);
        var etag = await storage.WriteAsync("state", Grain, new byte[] { 4, 2 }, expectedEtag: null);
        await membership.InitializeAsync();
        Assert.True(await membership.InsertRowAsync(new MembershipEntry { SiloAddress = silo, Status = SiloStatus.Active }, (await membership.ReadAllAsync()).Version.Next()));
        var address = await directory.RegisterAsync(new GrainAddress(Grain, ActivationId.NewId(), silo, 1), previousAddress: null);

        server.Restart();

        // The shared connection reconnects by itself (its connections come back one by one, so a command may still
        // fail after another succeeded); retry the whole read-back until it runs on a settled connection.
        var (record, snapshot, lookedUp) = await RetryUntilConnectedAsync(async () =>
            (await storage.ReadAsync("state", Grain), await membership.ReadAllAsync(), await directory.LookupAsync(Grain)));
        Assert.Equal(etag, record!.Etag);
        Assert.Equal(new byte[] { 4, 2 }, record.Data);
        Assert.Equal(1, snapshot.Version.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(snapshot.Rows).Entry.Status);
        Assert.Equal(address, lookedUp);
        // The etag counter survived too: the next etag is new.
        Assert.NotEqual(etag, await RetryUntilConnectedAsync(() => storage.WriteAsync("state", Grain, new byte[] { 5 }, etag)));
    }

    private static async Task<T> RetryUntilConnectedAsync<T>(Func<Task<T>> read)
    {
        var deadline = DateTime.UtcNow + ReconnectTimeout;
        while (true)
        {
            try
            {
                return await read();
            }
            catch (StackExchange.Redis.RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}

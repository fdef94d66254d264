using Deror.Testing.Servers;
using System.Net;
using Deror.Persistence.Redis;
using Deror.Persistence.Tests.Conformance;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Persistence.Tests.Redis;

/// <summary>Redis-specific membership behaviour (the shared suite covers the contract): IAmAlive writes never block a membership update.</summary>
public sealed class RedisMembershipTableTests
{
    private static readonly DateTimeOffset Now = new(2030, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly RedisMembershipTable _table = new(RedisServerFixture.Shared.Connection, RedisServerFixture.UniqueId(), NullLoggerFactory.Instance);

    [Fact]
    public async Task AnUpdateRacingIAmAlivesStillLands()
    {
        await _table.InitializeAsync();
        Assert.True(await _table.InsertRowAsync(Entry(Silo(1)), (await _table.ReadAllAsync()).Version.Next()));
        var snapshot = await _table.ReadAllAsync();
        using var stop = new CancellationTokenSource();
        var heartbeats = Task.Run(async () =>
        {
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                await _table.UpdateIAmAliveAsync(Silo(1), Now.AddSeconds(i));
            }
        });

        var updated = await _table.UpdateRowAsync(Entry(Silo(1)) with { Status = SiloStatus.Active }, snapshot.Find(Silo(1))!.ETag, snapshot.Version.Next());
        await stop.CancelAsync();
        await heartbeats;

        Assert.True(updated);
        Assert.Equal(SiloStatus.Active, (await _table.ReadAllAsync()).Find(Silo(1))!.Entry.Status);
    }

    private static SiloAddress Silo(int port) => new(new IPEndPoint(IPAddress.Loopback, 11000 + port), 1000);

    private static MembershipEntry Entry(SiloAddress silo) => new()
    {
        SiloAddress = silo,
        Status = SiloStatus.Joining,
        SiloName = "silo",
        HostName = "host",
        StartTime = Now,
        IAmAliveTime = Now,
    };
}

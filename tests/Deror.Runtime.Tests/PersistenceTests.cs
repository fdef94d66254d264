using Deror.Hosting;
using Deror.Messaging;
using Deror.Runtime.Tests.Grains;
using Deror.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public async Task State_is_written_and_read_back_by_a_new_activation()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo => silo.AddMemoryGrainStorage()));
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>(Guid.NewGuid().ToString());

        await counter.Increment();
        await counter.Increment();
        await cluster.GrainFactory.GetGrain<ICallGrain>("unrelated").Echo("x");

        Assert.Equal(2, await counter.Get());
    }

    [Fact]
    public async Task A_write_conflict_fails_the_call_and_the_next_call_sees_fresh_state()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(o => o.ConfigureSilo(silo => silo.AddMemoryGrainStorage()));
        var key = Guid.NewGuid().ToString();
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>(key);
        await counter.Increment();
        var firstActivation = await counter.GetActivationId();

        // Another writer (another process, say) changes the record behind the activation's back.
        var storage = cluster.Primary.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        var grainId = counter.GetGrainId();
        var stored = (await storage.ReadAsync("counter", grainId))!;
        await storage.WriteAsync("counter", grainId, """{"Value":41}"""u8.ToArray(), stored.Etag);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => counter.Increment());
        var afterConflict = await counter.Increment();

        Assert.NotNull(conflict.Message);
        Assert.Equal(42, afterConflict);
        Assert.NotEqual(firstActivation, await counter.GetActivationId());
    }

    [Fact]
    public async Task A_grain_without_configured_storage_is_rejected_with_a_clear_message()
    {
        await using var cluster = await InProcessTestCluster.StartAsync();

        var error = await Assert.ThrowsAnyAsync<DerorException>(() => cluster.GrainFactory.GetGrain<ICounterGrain>("no-storage").Get());

        Assert.Contains("No grain storage named 'Default'", error.Message);
    }
}

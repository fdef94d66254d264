using Deror.Placement;

namespace Deror.Runtime.Tests.Grains;

public interface IPlacedGrain : IGrainWithStringKey
{
    /// <summary>The silo this activation lives on.</summary>
    Task<string> Where();

    /// <summary>Activates <paramref name="count"/> prefer-local grains from here, so they all land on this silo.</summary>
    Task SpawnLocal(string prefix, int count);
}

public abstract class PlacedGrainBase : Grain, IPlacedGrain
{
    public Task<string> Where() => Task.FromResult(GrainContext.Address.ToString());

    public Task SpawnLocal(string prefix, int count)
        => Task.WhenAll(Enumerable.Range(0, count).Select(i => GrainFactory.GetGrain<IPreferLocalGrain>($"{prefix}-{i}").Where()));
}

public interface IPreferLocalGrain : IPlacedGrain;

[PreferLocalPlacement]
public sealed class PreferLocalGrain : PlacedGrainBase, IPreferLocalGrain;

public interface INodeAffineGrain : IPlacedGrain;

/// <summary>Lives on the silo that declares <c>exo-node</c> = its key.</summary>
[SiloMetadataPlacement("exo-node")]
public sealed class NodeAffineGrain : PlacedGrainBase, INodeAffineGrain;

public interface IHashPlacedGrain : IPlacedGrain;

[HashBasedPlacement]
public sealed class HashPlacedGrain : PlacedGrainBase, IHashPlacedGrain;

public interface IResourcePlacedGrain : IPlacedGrain;

[ResourceOptimizedPlacement]
public sealed class ResourcePlacedGrain : PlacedGrainBase, IResourcePlacedGrain;

public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Waits a little and answers with this activation's id and silo.</summary>
    Task<string> Work(int delayMs);
}

[StatelessWorker(4)]
public sealed class WorkerGrain : Grain, IWorkerGrain
{
    private readonly string _id = Guid.NewGuid().ToString("N");

    public async Task<string> Work(int delayMs)
    {
        await Task.Delay(delayMs);
        return $"{GrainContext.Address}/{_id}";
    }
}

using Deror.Invocation;
using Microsoft.Extensions.Hosting;

namespace Deror.Client;

/// <summary>The client the host exposes as <see cref="IClusterClient"/>; connects when the host starts.</summary>
internal sealed class ClusterClient(GatewayClientRuntime runtime, ClientGrainTypeResolver typeResolver) : IClusterClient, IHostedService
{
    private readonly GrainFactory _factory = new(runtime, typeResolver);

    public bool IsConnected => runtime.IsConnected;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        GeneratedCodeRegistry.EnsureAllLoaded();
        return runtime.ConnectAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => runtime.DisconnectAsync();

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey => _factory.GetGrain<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey => _factory.GetGrain<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey => _factory.GetGrain<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable => _factory.GetGrain<TGrainInterface>(grainId);

    public IAddressable GetGrain(Type grainInterface, GrainId grainId) => _factory.GetGrain(grainInterface, grainId);
}

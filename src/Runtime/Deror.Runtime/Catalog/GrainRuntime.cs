using Deror.Configuration;
using Deror.Runtime.Membership;
using Deror.Runtime.Messaging;
using Deror.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Catalog;

/// <summary>
/// The silo services every activation uses. Some are resolved on first use because they depend on the
/// catalog themselves (message center → catalog → activations → message center).
/// </summary>
internal sealed class GrainRuntime(
    IServiceProvider services,
    ILocalSiloDetails siloDetails,
    GrainActivator activator,
    ICodec codec,
    TimeProvider clock,
    IOptions<GrainCollectionOptions> collectionOptions,
    ILoggerFactory loggerFactory)
{
    private MessageCenter? _messageCenter;
    private Catalog? _catalog;
    private IGrainFactory? _grainFactory;
    private GrainLocator? _locator;

    public IServiceProvider Services { get; } = services;

    public SiloAddress SiloAddress => siloDetails.SiloAddress;

    public GrainActivator Activator { get; } = activator;

    public ICodec Codec { get; } = codec;

    public TimeProvider Clock { get; } = clock;

    public GrainCollectionOptions CollectionOptions { get; } = collectionOptions.Value;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Deror.Runtime.Activation");

    public ILogger TimerLogger { get; } = loggerFactory.CreateLogger("Deror.Runtime.GrainTimer");

    public MessageCenter MessageCenter => _messageCenter ??= Services.GetRequiredService<MessageCenter>();

    public Catalog Catalog => _catalog ??= Services.GetRequiredService<Catalog>();

    public IGrainFactory GrainFactory => _grainFactory ??= Services.GetRequiredService<IGrainFactory>();

    public GrainLocator Locator => _locator ??= Services.GetRequiredService<GrainLocator>();

    public ClusterMembershipView Membership { get; } = services.GetRequiredService<ClusterMembershipView>();
}

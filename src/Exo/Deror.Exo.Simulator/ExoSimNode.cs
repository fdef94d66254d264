using System.Net;
using Deror.Exo.Simulator.Api;
using Deror.Exo.Simulator.Cluster;
using Deror.Exo.Simulator.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deror.Exo.Simulator;

/// <summary>
/// One simulated Exo node: its own Kestrel serving Exo's API on 0.0.0.0 (as exo binds), a random node id, and a
/// cluster loop that finds its peers through the cluster directory. The exo-sim executable runs one per process;
/// tests may also start several in one process.
/// </summary>
public sealed class ExoSimNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ClusterNode _node;
    private readonly Discovery _discovery;
    private int _stopped;

    private ExoSimNode(WebApplication app, ClusterNode node, Discovery discovery, Uri baseAddress)
    {
        _app = app;
        _node = node;
        _discovery = discovery;
        BaseAddress = baseAddress;
    }

    public string NodeId => _node.NodeId;

    /// <summary>The API on loopback, e.g. <c>http://127.0.0.1:52415/</c>.</summary>
    public Uri BaseAddress { get; }

    public ExoSimOptions Options => _node.Options;

    /// <summary>Completes when the node stopped, gracefully or by an injected crash.</summary>
    public Task Stopped => _stoppedSource.Task;

    private readonly TaskCompletionSource _stoppedSource = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The node's view of the election (the simulator's own; exo does not expose its master).</summary>
    public ClusterStatus ClusterStatus => _node.Status();

    /// <summary>
    /// Starts a node and registers it for discovery. <paramref name="crash"/> runs on an injected crash with the
    /// exit code (the executable exits the process); by default an in-process node stops without unregistering,
    /// so its peers see it vanish as they would a crashed process.
    /// </summary>
    public static async Task<ExoSimNode> StartAsync(
        ExoSimOptions options,
        Action<ILoggingBuilder>? configureLogging = null,
        Action<int>? crash = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Any, options.ApiPort));
        // Signals belong to the process (exo-sim's Program), not to each node of a process.
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<FaultState>();
        builder.Services.AddSingleton<ChatSessions>();
        builder.Services.AddSingleton<MasterCommands>();
        builder.Services.AddSingleton<Discovery>();
        builder.Services.AddHttpClient(nameof(PeerClient), c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddSingleton(sp => new PeerClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(PeerClient)), options, sp.GetRequiredService<ILogger<PeerClient>>()));
        builder.Services.AddSingleton(sp => new ClusterNode(
            options, sp.GetRequiredService<Discovery>(), sp.GetRequiredService<PeerClient>(), sp.GetRequiredService<ILogger<ClusterNode>>()));
        builder.Services.AddHostedService<ClusterLoop>();

        var app = builder.Build();
        ExoSimNode? self = null;
        app.UseMiddleware<FaultMiddleware>();
        app.MapExoApi();
        app.MapChatCompletions();
        app.MapPeerProtocol();
        app.MapSimulatorControl(code =>
        {
            if (crash is not null)
            {
                crash(code);
            }
            else
            {
                _ = self!.StopCoreAsync(unregister: false);
            }
        });

        var node = app.Services.GetRequiredService<ClusterNode>();
        await app.StartAsync(cancellationToken);
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        node.ApiAddress = baseAddress;
        var discovery = app.Services.GetRequiredService<Discovery>();
        discovery.Register(node.NodeId, baseAddress);
        Log.NodeStarted(app.Services.GetRequiredService<ILogger<ExoSimNode>>(), node.NodeId, baseAddress, options.Namespace, options.MemoryMb, options.ForceMaster, !options.NoWorker);
        self = new ExoSimNode(app, node, discovery, baseAddress);
        return self;
    }

    /// <summary>Graceful stop: leaves discovery, finishes in-flight requests, stops the cluster loop.</summary>
    public Task StopAsync() => StopCoreAsync(unregister: true);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private async Task StopCoreAsync(bool unregister)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            await Stopped;
            return;
        }
        if (unregister)
        {
            _discovery.Unregister();
        }
        using var timeout = new CancellationTokenSource(unregister ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);
        await _app.StopAsync(timeout.Token);
        _stoppedSource.TrySetResult();
    }

    /// <summary>A host lifetime that ignores console signals: the process decides what SIGINT/SIGTERM do.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

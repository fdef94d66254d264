using Deror.PyHost.Cluster;

namespace Deror.PyHost.Embedding;

/// <summary>What the native <c>_deror</c> module's functions work with.</summary>
internal sealed record DerorModuleServices(ClusterConnection Connection, GrainCaller Grains, ClusterManagerCaller Managers, AsyncCalls AsyncCalls, ConsoleRebinding Console);

using Microsoft.Extensions.Logging;

namespace Deror.Exo.Simulator;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Node {NodeId} serving the Exo API on {Address} (namespace {Namespace}, {MemoryMb} MB, force-master: {ForceMaster}, worker: {Worker})")]
    public static partial void NodeStarted(ILogger logger, string nodeId, Uri address, string @namespace, long memoryMb, bool forceMaster, bool worker);

    [LoggerMessage(2, LogLevel.Information, "Peers changed ({Peers} live): election started")]
    public static partial void ElectionStarted(ILogger logger, int peers);

    [LoggerMessage(3, LogLevel.Information, "Election over: master is {MasterId}")]
    public static partial void MasterElected(ILogger logger, string masterId);

    [LoggerMessage(4, LogLevel.Warning, "Master changed from {OldMasterId} to {NewMasterId}: state and runners wiped, placed instances are gone")]
    public static partial void MasterChanged(ILogger logger, string oldMasterId, string newMasterId);

    [LoggerMessage(5, LogLevel.Information, "Node {NodeId} silent for {Silence}: dropped (its identity stays)")]
    public static partial void NodeDropped(ILogger logger, string nodeId, TimeSpan silence);

    [LoggerMessage(6, LogLevel.Information, "Instance {InstanceId} of {ModelId} created on {Nodes}")]
    public static partial void InstanceCreated(ILogger logger, string instanceId, string modelId, string nodes);

    [LoggerMessage(7, LogLevel.Information, "Instance {InstanceId} deleted: {Reason}")]
    public static partial void InstanceDeleted(ILogger logger, string instanceId, string reason);

    [LoggerMessage(8, LogLevel.Warning, "Fault injected: {Fault}")]
    public static partial void FaultInjected(ILogger logger, string fault);

    [LoggerMessage(9, LogLevel.Debug, "Probe of peer {NodeId} at {Address} failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string nodeId, Uri address, string reason);

    [LoggerMessage(10, LogLevel.Error, "Cluster tick failed")]
    public static partial void TickFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "Could not record task {TaskId} on the master: {Reason}")]
    public static partial void TaskNotRecorded(ILogger logger, string taskId, string reason);
}

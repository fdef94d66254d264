using System.Diagnostics.Metrics;
using Deror.Telemetry;

namespace Deror.Grains;

/// <summary>The domain's metrics, on Deror's meter: lifecycle transitions of tasks and nodes, and event log appends.</summary>
internal static class DomainTelemetry
{
    public static readonly Counter<long> TaskTransitions = DerorTelemetry.Meter.CreateCounter<long>("deror.tasks.transitions", "{transition}", "Task state transitions, by the state entered.");

    public static readonly Counter<long> NodeTransitions = DerorTelemetry.Meter.CreateCounter<long>("deror.nodes.transitions", "{transition}", "Node status transitions, by the status entered.");

    public static readonly Counter<long> EventsAppended = DerorTelemetry.Meter.CreateCounter<long>("deror.events.appended", "{event}", "Lifecycle events appended to the cluster's event log.");

    public static void TaskEntered(TaskState state) => TaskTransitions.Add(1, new KeyValuePair<string, object?>("state", state.ToString()));

    public static void NodeEntered(NodeStatus status) => NodeTransitions.Add(1, new KeyValuePair<string, object?>("status", status.ToString()));
}

using System.ComponentModel.DataAnnotations;

namespace Deror.Grains;

/// <summary>How task grains schedule deferred work (<c>Deror:Tasks</c>).</summary>
public sealed class TaskSchedulingOptions
{
    public const string ConfigurationSection = "Deror:Tasks";

    /// <summary>
    /// How long before its time a deferred start (<c>runAt</c>, a retry after backoff) is assigned to a node, which then
    /// holds it and starts it on time: choosing the node and storing the assignment happen ahead, so a burst of tasks due
    /// at one instant starts on time instead of queueing for placement. The node's room is reserved for the task from
    /// then on. Zero assigns a task only when it is due.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StageAhead { get; set; } = TimeSpan.FromSeconds(10);
}

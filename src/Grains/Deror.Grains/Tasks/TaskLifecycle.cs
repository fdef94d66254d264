namespace Deror.Grains;

/// <summary>The task state machine: which transitions are legal. Everything else is rejected naming the current state.</summary>
public static class TaskLifecycle
{
    public static bool IsAllowed(TaskState from, TaskState to) => (from, to) switch
    {
        (TaskState.Pending, TaskState.Scheduled or TaskState.Running or TaskState.Cancelled or TaskState.Completed or TaskState.Failed) => true,
        // Back to Pending: the node was lost or could not take the task; Running directly: a fast start beat the bookkeeping.
        (TaskState.Scheduled, TaskState.Pending or TaskState.Running or TaskState.Completed or TaskState.Failed or TaskState.Cancelled or TaskState.TimedOut) => true,
        // Back to Pending: a retry after a failed attempt, or the node was lost.
        (TaskState.Running, TaskState.Pending or TaskState.Completed or TaskState.Failed or TaskState.Cancelled or TaskState.TimedOut) => true,
        _ => false,
    };

    public static void EnsureAllowed(string taskId, TaskState from, TaskState to)
    {
        if (!IsAllowed(from, to))
        {
            throw new InvalidStateException($"Task '{taskId}' is {from}; it cannot become {to}.");
        }
    }
}

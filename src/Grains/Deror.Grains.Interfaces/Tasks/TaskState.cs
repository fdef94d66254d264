namespace Deror.Grains;

/// <summary>
/// A task's lifecycle: Pending → Scheduled (assigned to a node) → Running → Completed / Failed / Cancelled / TimedOut.
/// A failed or timed-out attempt with retries left, and a task whose node was lost, go back to Pending.
/// </summary>
public enum TaskState
{
    Pending,
    Scheduled,
    Running,
    Completed,
    Failed,
    Cancelled,
    TimedOut,
}

public static class TaskStates
{
    /// <summary>Completed, Failed, Cancelled and TimedOut are final: nothing moves a task out of them.</summary>
    public static bool IsTerminal(this TaskState state) => state >= TaskState.Completed;
}

namespace Deror.PyHost.Embedding;

/// <summary>
/// Where a Python task handler's output goes: the log of the handler call running on this thread. The silo's handler
/// host sets it around each call (each on a thread of its own); <c>_deror.task_log</c> writes to it as the handler
/// prints, so the task's bounded log holds the output, not a buffer in Python.
/// </summary>
internal static class HandlerLog
{
    [ThreadStatic]
    private static Action<string>? t_current;

    public static Action<string>? Current
    {
        get => t_current;
        set => t_current = value;
    }
}

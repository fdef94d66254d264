using Deror.Grains;

namespace Deror.Cli.Commands;

/// <summary>What <c>--wait</c> exits with: the task's own exit code, so <c>deror exec --wait</c> composes like the command.</summary>
internal static class TaskExitCodes
{
    /// <summary>The code <c>timeout(1)</c> uses for a command that ran out of time.</summary>
    public const int TimedOut = 124;

    public static int Of(TaskInfo task) => task.State switch
    {
        TaskState.Completed => task.ExitCode ?? ExitCodes.Success,
        TaskState.TimedOut => TimedOut,
        _ => task.ExitCode is { } code and not 0 ? code : ExitCodes.Failure,
    };
}

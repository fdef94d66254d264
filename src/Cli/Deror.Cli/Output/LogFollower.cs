using Deror.Client;
using Deror.Grains;

namespace Deror.Cli.Output;

/// <summary>
/// Prints a task's output as it grows, until the task finishes. The task keeps only the tail of its output and
/// replaces it with the executor's final capture at the end, so each poll prints what is new relative to the last
/// text seen rather than assuming a growing buffer.
/// </summary>
internal sealed class LogFollower(TaskHandle task, Action<TaskLogs> write)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private int _attempt = -1;
    private string _seen = "";

    /// <summary>Follows until the task has finished and returns it.</summary>
    public async Task<TaskInfo> FollowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // The state first: logs read after a final state are the final logs.
            var info = await task.GetInfoAsync().WaitAsync(cancellationToken);
            var logs = await task.GetLogsAsync().WaitAsync(cancellationToken);
            Emit(logs);
            if (info.State.IsTerminal())
            {
                return info;
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private void Emit(TaskLogs logs)
    {
        if (logs.Attempt != _attempt)
        {
            _attempt = logs.Attempt;
            _seen = "";
        }
        var added = Added(_seen, logs.Text);
        _seen = logs.Text;
        if (added.Length > 0)
        {
            write(logs with { Text = added });
        }
    }

    /// <summary>The part of <paramref name="now"/> after the longest suffix of <paramref name="before"/> it starts with.</summary>
    internal static string Added(string before, string now)
    {
        for (var start = Math.Max(0, before.Length - now.Length); start <= before.Length; start++)
        {
            var overlap = before.AsSpan(start);
            if (now.AsSpan().StartsWith(overlap, StringComparison.Ordinal))
            {
                return now[overlap.Length..];
            }
        }
        return now;
    }
}

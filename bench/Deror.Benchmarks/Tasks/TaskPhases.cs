using System.Globalization;
using Deror.Benchmarks.Reporting;
using Deror.Grains;

namespace Deror.Benchmarks.Tasks;

/// <summary>
/// Where a task's time goes, from the timestamps the task grain records and when the client saw each step: the
/// profile that says which part of the path (submit, scheduling, start on the node, run, the client hearing of the
/// end) to work on.
/// </summary>
public sealed class TaskPhases
{
    private readonly List<double> _submit = [];
    private readonly List<double> _toScheduled = [];
    private readonly List<double> _toStarted = [];
    private readonly List<double> _toFinished = [];
    private readonly List<double> _toObserved = [];
    private readonly List<double> _total = [];
    private readonly Lock _lock = new();

    /// <summary>One task: when the client called submit, when submit returned, when the client saw it finished, and its record.</summary>
    public void Add(DateTimeOffset submitted, DateTimeOffset accepted, DateTimeOffset observed, TaskInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        lock (_lock)
        {
            _submit.Add((accepted - submitted).TotalMilliseconds);
            _total.Add((observed - submitted).TotalMilliseconds);
            if (info.ScheduledAt is { } scheduled)
            {
                _toScheduled.Add((scheduled - info.CreatedAt).TotalMilliseconds);
                if (info.StartedAt is { } startedAfterSchedule)
                {
                    _toStarted.Add((startedAfterSchedule - scheduled).TotalMilliseconds);
                }
            }
            if (info is { StartedAt: { } started, FinishedAt: { } finished })
            {
                _toFinished.Add((finished - started).TotalMilliseconds);
            }
            if (info.FinishedAt is { } end)
            {
                _toObserved.Add((observed - end).TotalMilliseconds);
            }
        }
    }

    /// <summary>p50 / p99 in ms of each phase, on one line.</summary>
    public override string ToString()
    {
        lock (_lock)
        {
            return string.Join("; ",
                Phase("submit call", _submit),
                Phase("created→scheduled", _toScheduled),
                Phase("scheduled→started", _toStarted),
                Phase("started→finished", _toFinished),
                Phase("finished→client saw it", _toObserved),
                Phase("end to end", _total));
        }
    }

    private static string Phase(string name, List<double> values) => values.Count == 0
        ? $"{name}: —"
        : string.Create(CultureInfo.InvariantCulture, $"{name} {Statistics.Percentile(values, 50):0} / {Statistics.Percentile(values, 99):0} ms");
}

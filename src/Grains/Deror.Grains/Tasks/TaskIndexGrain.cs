using System.Text.Json;

namespace Deror.Grains;

/// <summary>
/// The task listing: folds the task events of the cluster's event log into one summary per task. Reads catch up with
/// the log first, so a task is listed as soon as its submission returned. A snapshot is saved every
/// <see cref="SnapshotEvery"/> events, so an activation replays at most that many.
/// </summary>
public sealed class TaskIndexGrain(
    [PersistentState("task-index")] IPersistentState<TaskIndexGrainState> index,
    LifecycleLog log) : Grain, ITaskIndexGrain
{
    private const int SnapshotEvery = 5_000;
    private const int ReadBatch = 1_000;

    /// <summary>Finished tasks beyond this many are dropped from the listing, oldest first (the tasks themselves stay).</summary>
    private const int MaxFinishedTasks = 100_000;

    private long _sinceSnapshot;

    public async Task<TaskPage> List(TaskState? state, int offset, int limit)
    {
        if (offset < 0 || limit is < 1 or > 1000)
        {
            throw new InvalidSpecException("offset must be 0 or more and limit between 1 and 1000.");
        }
        await CatchUpAsync();
        var matching = index.State.Tasks.Values
            .Where(t => state is null || t.State == state)
            .OrderByDescending(t => t.CreatedAt)
            .ThenBy(t => t.Id, StringComparer.Ordinal)
            .ToList();
        return new TaskPage([.. matching.Skip(offset).Take(limit)], matching.Count);
    }

    private async Task CatchUpAsync()
    {
        var s = index.State;
        while (true)
        {
            var events = await log.Store.ReadAsync(log.Stream, s.Position, ReadBatch);
            foreach (var e in events)
            {
                s.Position = e.Sequence;
                if (e.Type == LifecycleEvents.TaskTransition && JsonSerializer.Deserialize<TaskTransitionEvent>(e.Data, DerorJson.Options) is { } transition)
                {
                    s.Tasks[transition.Task.Id] = transition.Task;
                }
            }
            _sinceSnapshot += events.Count;
            if (events.Count < ReadBatch)
            {
                break;
            }
        }
        if (_sinceSnapshot >= SnapshotEvery)
        {
            Prune(s);
            await index.WriteStateAsync();
            _sinceSnapshot = 0;
        }
    }

    private static void Prune(TaskIndexGrainState s)
    {
        var finished = s.Tasks.Values.Where(t => t.State.IsTerminal()).ToList();
        foreach (var old in finished.OrderBy(t => t.UpdatedAt).Take(Math.Max(0, finished.Count - MaxFinishedTasks)))
        {
            s.Tasks.Remove(old.Id);
        }
    }
}

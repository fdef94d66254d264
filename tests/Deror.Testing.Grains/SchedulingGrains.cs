using Deror.Runtime;

namespace Deror.Testing.Grains;

public interface IReminderProbeGrain : IGrainWithStringKey, IRemindable
{
    Task Register(string name, int dueMs, int periodMs);

    Task Unregister(string name);

    Task<int> GetTicks(string name);
}

/// <summary>Counts reminder ticks in persistent state, so the count survives a silo restart.</summary>
public sealed class ReminderProbeGrain([PersistentState("ticks")] IPersistentState<Dictionary<string, int>> ticks) : Grain, IReminderProbeGrain
{
    public Task Register(string name, int dueMs, int periodMs)
        => this.RegisterOrUpdateReminder(name, TimeSpan.FromMilliseconds(dueMs), TimeSpan.FromMilliseconds(periodMs));

    public async Task Unregister(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<int> GetTicks(string name) => Task.FromResult(ticks.State.GetValueOrDefault(name));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ticks.State[reminderName] = ticks.State.GetValueOrDefault(reminderName) + 1;
        await ticks.WriteStateAsync();
    }
}

public interface IJobProbeGrain : IGrainWithStringKey, IDurableJobHandler
{
    /// <summary>Schedules a job that fails on its first <paramref name="failures"/> attempts.</summary>
    Task<string> Schedule(string name, int dueInMs, int failures);

    Task<JobRecord> GetRecord();
}

public sealed class JobRecord
{
    public List<int> Attempts { get; set; } = [];

    public List<string> Completed { get; set; } = [];

    public List<DateTimeOffset> AttemptTimes { get; set; } = [];
}

/// <summary>Records every job attempt in persistent state, so the record survives a silo restart.</summary>
public sealed class JobProbeGrain([PersistentState("jobs")] IPersistentState<JobRecord> record, TimeProvider clock) : Grain, IJobProbeGrain
{
    public async Task<string> Schedule(string name, int dueInMs, int failures)
    {
        var job = await this.ScheduleJobAsync(name, clock.GetUtcNow().AddMilliseconds(dueInMs), new Dictionary<string, string> { ["failures"] = failures.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return job.JobId;
    }

    public Task<JobRecord> GetRecord() => Task.FromResult(record.State);

    public async Task ExecuteJobAsync(DurableJobContext context)
    {
        record.State.Attempts.Add(context.Attempt);
        record.State.AttemptTimes.Add(clock.GetUtcNow());
        var failures = int.Parse(context.Metadata["failures"], System.Globalization.CultureInfo.InvariantCulture);
        if (context.Attempt <= failures)
        {
            await record.WriteStateAsync();
            throw new InvalidOperationException($"Attempt {context.Attempt} of {context.JobName} fails on purpose.");
        }
        record.State.Completed.Add(context.JobName);
        await record.WriteStateAsync();
    }
}

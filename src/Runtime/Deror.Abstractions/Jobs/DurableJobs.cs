namespace Deror;

/// <summary>
/// Implemented by grains that receive durable jobs. A job is delivered at least once: if this method throws,
/// the job is retried with backoff until it succeeds or its attempts run out.
/// </summary>
public interface IDurableJobHandler : IGrain
{
    Task ExecuteJobAsync(DurableJobContext context);
}

/// <summary>What a handler learns about the job it is running.</summary>
public sealed record DurableJobContext(string JobId, string JobName, DateTimeOffset DueTime, int Attempt, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A scheduled job, as returned to the code that scheduled it.</summary>
public sealed record ScheduledJob(string JobId, string JobName, GrainId Target, DateTimeOffset DueTime);

/// <summary>Schedules durable one-shot jobs for grains.</summary>
public interface IDurableJobManager
{
    /// <summary>
    /// Schedules <paramref name="jobName"/> for <paramref name="target"/> at <paramref name="dueTime"/>. The job is
    /// stored before this returns; it runs once the due time passes, even if the silo restarts in between.
    /// </summary>
    Task<ScheduledJob> ScheduleJobAsync(GrainId target, string jobName, DateTimeOffset dueTime, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job that has not completed; false if it no longer exists.</summary>
    Task<bool> TryCancelJobAsync(string jobId, CancellationToken cancellationToken = default);
}

/// <summary>Orleans-style helpers on grains.</summary>
public static class GrainJobExtensions
{
    public static Task<ScheduledJob> ScheduleJobAsync(this Grain grain, string jobName, DateTimeOffset dueTime, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (grain is not IDurableJobHandler)
        {
            throw new InvalidOperationException($"{grain.GetType().Name} must implement {nameof(IDurableJobHandler)} to schedule jobs for itself.");
        }
        var manager = grain.GrainContext.ActivationServices.GetService(typeof(IDurableJobManager)) as IDurableJobManager
            ?? throw new InvalidOperationException("No durable job service is configured on this silo.");
        return manager.ScheduleJobAsync(grain.GrainId, jobName, dueTime, metadata);
    }
}

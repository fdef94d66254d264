using System.ComponentModel.DataAnnotations;

namespace Deror.Configuration;

public sealed class DurableJobOptions : IValidatableObject
{
    /// <summary>How often the store is polled for jobs coming due; jobs scheduled on this silo are timed exactly without waiting for a poll.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far ahead of their due time jobs are read and held in memory on precise timers, so a burst of jobs due at
    /// one instant is already loaded when it comes due. At least <see cref="PollInterval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan LookAhead { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Jobs held in memory at most (read ahead, waiting, running or being acknowledged); more wait in the store.</summary>
    [Range(1, 10_000_000)]
    public int MaxHeldJobs { get; set; } = 100_000;

    /// <summary>Deliveries tried before a job is given up (Orleans default: 5).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the second attempt; doubles per attempt up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Jobs running at once on this silo.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentJobs { get; set; } = 256;

    /// <summary>Jobs per store call: read per poll page, checked together just before they run, acknowledged together.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>The delay before attempt number <paramref name="attempt"/> + 1, after <paramref name="attempt"/> failures.</summary>
    public TimeSpan BackoffAfter(int attempt)
    {
        var factor = Math.Pow(2, Math.Max(0, attempt - 1));
        var delay = InitialBackoff.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxBackoff.TotalMilliseconds));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LookAhead < PollInterval)
        {
            yield return new ValidationResult(
                $"{nameof(LookAhead)} ({LookAhead}) must be at least {nameof(PollInterval)} ({PollInterval}): jobs coming due between two polls would otherwise be read late.",
                [nameof(LookAhead), nameof(PollInterval)]);
        }
        if (MaxBackoff < InitialBackoff)
        {
            yield return new ValidationResult($"{nameof(MaxBackoff)} ({MaxBackoff}) must be at least {nameof(InitialBackoff)} ({InitialBackoff}).", [nameof(MaxBackoff), nameof(InitialBackoff)]);
        }
    }
}

using System.ComponentModel.DataAnnotations;

namespace Deror.Configuration;

public sealed class ReminderOptions
{
    /// <summary>The shortest period a reminder may have. Orleans uses 1 minute; Deror allows sub-minute periods and defaults to 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the silo re-reads its reminder ranges to pick up reminders registered through other silos.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);
}

namespace Deror.Persistence.Redis;

/// <summary>
/// Names under which each Redis provider reads its <see cref="RedisStorageOptions"/> (named options), e.g. to bind
/// them from configuration with <c>services.Configure&lt;RedisStorageOptions&gt;(name, section)</c>.
/// </summary>
public static class RedisStorageOptionNames
{
    public const string Reminders = "Deror.Reminders";

    public const string DurableJobs = "Deror.DurableJobs";

    public const string EventLog = "Deror.EventLog";

    public const string Membership = "Deror.Membership";

    public const string GrainDirectory = "Deror.GrainDirectory";

    public static string GrainStorage(string providerName) => "Deror.GrainStorage." + providerName;
}

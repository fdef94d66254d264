namespace Deror.Persistence.Postgres;

/// <summary>
/// Names under which each PostgreSQL provider reads its <see cref="PostgresStorageOptions"/> (named options), e.g. to
/// bind them from configuration with <c>services.Configure&lt;PostgresStorageOptions&gt;(name, section)</c>.
/// </summary>
public static class PostgresStorageOptionNames
{
    public const string Reminders = "Deror.Reminders";

    public const string DurableJobs = "Deror.DurableJobs";

    public const string EventLog = "Deror.EventLog";

    public const string Membership = "Deror.Membership";

    public const string GrainDirectory = "Deror.GrainDirectory";

    public static string GrainStorage(string providerName) => "Deror.GrainStorage." + providerName;
}

namespace Deror.Persistence.Sqlite;

/// <summary>
/// Names under which each SQLite provider reads its <see cref="SqliteStorageOptions"/> (named options), e.g. to bind
/// them from configuration with <c>services.Configure&lt;SqliteStorageOptions&gt;(name, section)</c>.
/// </summary>
public static class SqliteStorageOptionNames
{
    public const string Reminders = "Deror.Reminders";

    public const string DurableJobs = "Deror.DurableJobs";

    public const string EventLog = "Deror.EventLog";

    /// <summary>The membership table and the grain directory (they share one store).</summary>
    public const string Clustering = "Deror.Clustering";

    public static string GrainStorage(string providerName) => "Deror.GrainStorage." + providerName;
}

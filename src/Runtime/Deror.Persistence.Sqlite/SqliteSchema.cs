using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// The tables of all providers. Created idempotently on first use; the version row lets a later build
/// migrate an older file and stops an older build from writing to a newer one.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>1: grain state, reminders, jobs. 2: adds membership and the grain directory. 3: adds the event log.</summary>
    public const int CurrentVersion = 3;

    // One sequence for the whole file: every write takes the next value as its etag, so an etag is never
    // reused, not even by a row that is deleted and created again (an old writer cannot hit it by accident).
    // Grain hashes are uints stored as INTEGER 0..2^32-1, which SQLite's signed 64-bit integers hold exactly.
    // An event stream's counter row outlives trims, so numbering goes on even after every event was trimmed.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS deror_schema (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS deror_etag_sequence (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            value INTEGER NOT NULL);
        INSERT OR IGNORE INTO deror_etag_sequence (id, value) VALUES (1, 0);
        CREATE TABLE IF NOT EXISTS deror_grain_state (
            state_name TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            data BLOB NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (state_name, grain_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS deror_reminders (
            grain_id TEXT NOT NULL,
            reminder_name TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at_utc_ticks INTEGER NOT NULL,
            period_ticks INTEGER NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (grain_id, reminder_name)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_deror_reminders_hash ON deror_reminders (grain_hash);
        CREATE TABLE IF NOT EXISTS deror_jobs (
            job_id TEXT NOT NULL PRIMARY KEY,
            target_grain_id TEXT NOT NULL,
            target_hash INTEGER NOT NULL,
            job_name TEXT NOT NULL,
            due_utc_ticks INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            metadata TEXT NOT NULL,
            version INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_deror_jobs_due_hash ON deror_jobs (due_utc_ticks, target_hash);
        CREATE TABLE IF NOT EXISTS deror_membership_version (
            cluster_id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            etag INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS deror_membership (
            cluster_id TEXT NOT NULL,
            silo_address TEXT NOT NULL,
            status INTEGER NOT NULL,
            silo_name TEXT NOT NULL,
            host_name TEXT NOT NULL,
            gateway_port INTEGER NOT NULL,
            start_utc_ticks INTEGER NOT NULL,
            iamalive_utc_ticks INTEGER NOT NULL,
            suspect_votes TEXT NOT NULL,
            metadata TEXT NOT NULL,
            etag INTEGER NOT NULL,
            PRIMARY KEY (cluster_id, silo_address)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS deror_grain_directory (
            cluster_id TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            activation_id TEXT NOT NULL,
            silo_address TEXT NOT NULL,
            membership_version INTEGER NOT NULL,
            PRIMARY KEY (cluster_id, grain_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_deror_grain_directory_silo ON deror_grain_directory (cluster_id, silo_address);
        CREATE TABLE IF NOT EXISTS deror_event_streams (
            cluster_id TEXT NOT NULL,
            stream TEXT NOT NULL,
            last_sequence INTEGER NOT NULL,
            PRIMARY KEY (cluster_id, stream)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS deror_events (
            cluster_id TEXT NOT NULL,
            stream TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            type TEXT NOT NULL,
            subject TEXT NOT NULL,
            timestamp_utc_ticks INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (cluster_id, stream, sequence));
        """;

    /// <summary>
    /// Switches the file to WAL and creates or upgrades the tables, in one write transaction. Every table is created
    /// with IF NOT EXISTS, so running the script on an older file adds exactly what it lacks.
    /// </summary>
    public static async Task EnsureCreatedAsync(SqliteConnection connection, string dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        // WAL lets readers in other processes proceed while one writes; the setting is stored in the file.
        using (var journal = connection.CreateCommand())
        {
            journal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = Convert.ToString(await journal.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                SqliteLog.JournalModeNotWal(logger, dataSource, mode);
            }
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = CreateTables;
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        using var version = connection.CreateCommand();
        version.Transaction = transaction;
        version.CommandText = "SELECT version FROM deror_schema WHERE id = 1;";
        var stored = await version.ExecuteScalarAsync(cancellationToken);
        if (stored is null)
        {
            version.CommandText = "INSERT INTO deror_schema (id, version) VALUES (1, $version);";
            version.Parameters.AddWithValue("$version", CurrentVersion);
            await version.ExecuteNonQueryAsync(cancellationToken);
            SqliteLog.SchemaCreated(logger, dataSource, CurrentVersion);
        }
        else if ((long)stored > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The SQLite database {dataSource} has schema version {stored}, newer than this build supports ({CurrentVersion}). Upgrade the silo.");
        }
        else if ((long)stored < CurrentVersion)
        {
            version.CommandText = "UPDATE deror_schema SET version = $version WHERE id = 1;";
            version.Parameters.AddWithValue("$version", CurrentVersion);
            await version.ExecuteNonQueryAsync(cancellationToken);
            SqliteLog.SchemaUpgraded(logger, dataSource, (long)stored, CurrentVersion);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}

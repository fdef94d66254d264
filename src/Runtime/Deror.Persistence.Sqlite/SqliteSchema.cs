using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// The tables of all three providers. Created idempotently on first use; the version row lets a later build
/// migrate an older file and stops an older build from writing to a newer one.
/// </summary>
internal static class SqliteSchema
{
    public const int CurrentVersion = 1;

    // One sequence for the whole file: every write takes the next value as its etag, so an etag is never
    // reused, not even by a row that is deleted and created again (an old writer cannot hit it by accident).
    // Grain hashes are uints stored as INTEGER 0..2^32-1, which SQLite's signed 64-bit integers hold exactly.
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
        """;

    /// <summary>Switches the file to WAL and creates or checks the tables, in one write transaction.</summary>
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
        await transaction.CommitAsync(cancellationToken);
    }
}

using Microsoft.Extensions.Logging;
using Npgsql;

namespace Deror.Persistence.Postgres;

/// <summary>
/// The tables of all providers. Created idempotently on first use; the version row lets a later build
/// migrate an older schema and stops an older build from writing to a newer one.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>1: state, reminders, jobs, membership, the grain directory. 2: adds the event log.</summary>
    public const int CurrentVersion = 2;

    // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog (unique violation on pg_type), so creators
    // serialize on one transaction-scoped advisory lock; the key is arbitrary but fixed ("deror" in ASCII).
    private const long CreationLockKey = 0x6465726f72;

    // One sequence for the whole schema: every write takes the next value as its etag, so an etag is never reused,
    // not even by a row deleted and created again. Grain hashes are uints, stored exactly in bigint columns.
    // Times are UTC ticks (bigint): timestamptz keeps only microseconds and would not round-trip a DateTimeOffset.
    // An event stream's counter row outlives trims (numbering goes on) and is locked by every append to the stream
    // until it commits, so appends commit, and become visible, in sequence order.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS deror_schema (
            id integer PRIMARY KEY CHECK (id = 1),
            version integer NOT NULL);
        CREATE SEQUENCE IF NOT EXISTS deror_etag_sequence AS bigint;
        CREATE TABLE IF NOT EXISTS deror_grain_state (
            service_id text NOT NULL,
            state_name text NOT NULL,
            grain_id text NOT NULL,
            data bytea NOT NULL,
            version bigint NOT NULL,
            PRIMARY KEY (service_id, state_name, grain_id));
        CREATE TABLE IF NOT EXISTS deror_reminders (
            service_id text NOT NULL,
            grain_id text NOT NULL,
            reminder_name text NOT NULL,
            grain_hash bigint NOT NULL,
            start_at_utc_ticks bigint NOT NULL,
            period_ticks bigint NOT NULL,
            version bigint NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name));
        CREATE INDEX IF NOT EXISTS ix_deror_reminders_hash ON deror_reminders (service_id, grain_hash);
        CREATE TABLE IF NOT EXISTS deror_jobs (
            service_id text NOT NULL,
            job_id text NOT NULL,
            target_grain_id text NOT NULL,
            target_hash bigint NOT NULL,
            job_name text NOT NULL,
            due_utc_ticks bigint NOT NULL,
            attempt integer NOT NULL,
            metadata text NOT NULL,
            version bigint NOT NULL,
            PRIMARY KEY (service_id, job_id));
        CREATE INDEX IF NOT EXISTS ix_deror_jobs_due_hash ON deror_jobs (service_id, due_utc_ticks, target_hash);
        CREATE TABLE IF NOT EXISTS deror_membership_version (
            cluster_id text PRIMARY KEY,
            version integer NOT NULL,
            etag bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS deror_membership (
            cluster_id text NOT NULL,
            silo_address text NOT NULL,
            status integer NOT NULL,
            silo_name text NOT NULL,
            host_name text NOT NULL,
            gateway_port integer NOT NULL,
            start_time_utc_ticks bigint NOT NULL,
            i_am_alive_utc_ticks bigint NOT NULL,
            suspect_votes text NOT NULL,
            metadata text NOT NULL,
            etag bigint NOT NULL,
            PRIMARY KEY (cluster_id, silo_address));
        CREATE TABLE IF NOT EXISTS deror_grain_directory (
            cluster_id text NOT NULL,
            grain_id text NOT NULL,
            activation_id uuid NOT NULL,
            silo_address text NOT NULL,
            membership_version integer NOT NULL,
            PRIMARY KEY (cluster_id, grain_id));
        CREATE INDEX IF NOT EXISTS ix_deror_grain_directory_silo ON deror_grain_directory (cluster_id, silo_address);
        CREATE TABLE IF NOT EXISTS deror_event_streams (
            cluster_id text NOT NULL,
            stream text NOT NULL,
            last_sequence bigint NOT NULL,
            PRIMARY KEY (cluster_id, stream));
        CREATE TABLE IF NOT EXISTS deror_events (
            cluster_id text NOT NULL,
            stream text NOT NULL,
            sequence bigint NOT NULL,
            type text NOT NULL,
            subject text NOT NULL,
            timestamp_utc_ticks bigint NOT NULL,
            data text NOT NULL,
            PRIMARY KEY (cluster_id, stream, sequence));
        """;

    /// <summary>
    /// Creates the schema and its tables, or upgrades them, in one transaction. Every table is created with IF NOT
    /// EXISTS, so running the script on an older schema adds exactly what it lacks.
    /// </summary>
    public static async Task EnsureCreatedAsync(NpgsqlConnection connection, string schema, ILogger logger, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock({CreationLockKey});
            CREATE SCHEMA IF NOT EXISTS "{schema}";
            {CreateTables}
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var version = new NpgsqlCommand("SELECT version FROM deror_schema WHERE id = 1;", connection, transaction);
        var stored = await version.ExecuteScalarAsync(cancellationToken);
        if (stored is null)
        {
            version.CommandText = "INSERT INTO deror_schema (id, version) VALUES (1, @version);";
            version.Parameters.AddWithValue("version", CurrentVersion);
            await version.ExecuteNonQueryAsync(cancellationToken);
            PostgresLog.SchemaCreated(logger, schema, connection.Database, CurrentVersion);
        }
        else if ((int)stored > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL schema '{schema}' has Deror schema version {stored}, newer than this build supports ({CurrentVersion}). Upgrade the silo.");
        }
        else if ((int)stored < CurrentVersion)
        {
            version.CommandText = "UPDATE deror_schema SET version = @version WHERE id = 1;";
            version.Parameters.AddWithValue("version", CurrentVersion);
            await version.ExecuteNonQueryAsync(cancellationToken);
            PostgresLog.SchemaUpgraded(logger, schema, connection.Database, (int)stored, CurrentVersion);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}

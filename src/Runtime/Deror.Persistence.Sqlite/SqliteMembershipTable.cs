using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// One cluster's membership table in the shared SQLite file: a version row and one row per silo, both keyed by
/// cluster id (one file may hold several clusters). Every membership change checks the version etag and the row
/// etag and moves the version inside one BEGIN IMMEDIATE transaction, so silo processes sharing the file agree.
/// </summary>
public sealed class SqliteMembershipTable : IMembershipTable, IDisposable
{
    private const string SelectColumns = """
        SELECT silo_address, status, silo_name, host_name, gateway_port, start_utc_ticks, iamalive_utc_ticks, suspect_votes, metadata, etag
        FROM deror_membership
        """;

    private readonly SqliteDatabase _database;
    private readonly string _clusterId;
    private readonly ILogger _logger;

    public SqliteMembershipTable(SqliteStorageOptions options, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _clusterId = clusterId;
        _logger = loggerFactory.CreateLogger<SqliteMembershipTable>();
        _database = new SqliteDatabase(options, _logger);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        var (etag, _) = await transaction.NextVersionAsync(cancellationToken);
        using var command = transaction.CreateCommand("INSERT OR IGNORE INTO deror_membership_version (cluster_id, version, etag) VALUES ($cluster, 0, $etag);");
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$etag", etag);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        // One read transaction: in WAL mode both selects see the same commit, so the version matches the rows.
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.CommandText = "SELECT version, etag FROM deror_membership_version WHERE cluster_id = $cluster;";
        TableVersion version;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            // Before InitializeAsync there is no version row: version 0 under an etag no write can match.
            version = await reader.ReadAsync(cancellationToken)
                ? new TableVersion(reader.GetInt32(0), SqliteEtag.Format(reader.GetInt64(1)))
                : new TableVersion(0, "");
        }
        command.CommandText = $"{SelectColumns} WHERE cluster_id = $cluster;";
        var rows = new List<MembershipRow>();
        using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(ReadRow(reader));
            }
        }
        return new MembershipTableSnapshot(rows, version);
    }

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        if (!SqliteEtag.TryParse(newVersion.ETag, out var expectedVersionEtag))
        {
            return false;
        }
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        var etag = await TryMoveVersionAsync(transaction, newVersion.Version, expectedVersionEtag, cancellationToken);
        if (etag is null || !await TryInsertAsync(transaction, entry, etag.Value, cancellationToken))
        {
            SqliteLog.MembershipWriteConflict(_logger, _clusterId, entry.SiloAddress, "inserted", newVersion.ETag);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string rowETag, TableVersion newVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        if (!SqliteEtag.TryParse(newVersion.ETag, out var expectedVersionEtag) || !SqliteEtag.TryParse(rowETag, out var expectedRowEtag))
        {
            return false;
        }
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        var etag = await TryMoveVersionAsync(transaction, newVersion.Version, expectedVersionEtag, cancellationToken);
        if (etag is null || !await TryReplaceAsync(transaction, entry, expectedRowEtag, etag.Value, cancellationToken))
        {
            SqliteLog.MembershipWriteConflict(_logger, _clusterId, entry.SiloAddress, "updated", newVersion.ETag);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset iAmAliveTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using var command = transaction.CreateCommand("UPDATE deror_membership SET iamalive_utc_ticks = $alive WHERE cluster_id = $cluster AND silo_address = $silo;");
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$silo", silo.ToString());
        command.Parameters.AddWithValue("$alive", iAmAliveTime.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using var command = transaction.CreateCommand("DELETE FROM deror_membership WHERE cluster_id = $cluster AND status = $dead AND iamalive_utc_ticks < $before;");
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$dead", (int)SiloStatus.Dead);
        command.Parameters.AddWithValue("$before", beforeDate.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// Moves the version row to <paramref name="version"/> under a fresh etag if its etag is still
    /// <paramref name="expectedEtag"/>; returns the fresh etag (also the written row's), or null on a conflict.
    /// </summary>
    private async Task<long?> TryMoveVersionAsync(SqliteWriteTransaction transaction, int version, long expectedEtag, CancellationToken cancellationToken)
    {
        var (etag, _) = await transaction.NextVersionAsync(cancellationToken);
        using var command = transaction.CreateCommand("UPDATE deror_membership_version SET version = $version, etag = $etag WHERE cluster_id = $cluster AND etag = $expected;");
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$etag", etag);
        command.Parameters.AddWithValue("$expected", expectedEtag);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? etag : null;
    }

    private async Task<bool> TryInsertAsync(SqliteWriteTransaction transaction, MembershipEntry entry, long etag, CancellationToken cancellationToken)
    {
        using var command = transaction.CreateCommand("""
            INSERT INTO deror_membership
                (cluster_id, silo_address, status, silo_name, host_name, gateway_port, start_utc_ticks, iamalive_utc_ticks, suspect_votes, metadata, etag)
            VALUES ($cluster, $silo, $status, $silo_name, $host_name, $gateway_port, $start, $alive, $votes, $metadata, $etag)
            ON CONFLICT (cluster_id, silo_address) DO NOTHING;
            """);
        AddEntryParameters(command, entry, etag);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<bool> TryReplaceAsync(SqliteWriteTransaction transaction, MembershipEntry entry, long expectedEtag, long etag, CancellationToken cancellationToken)
    {
        using var command = transaction.CreateCommand("""
            UPDATE deror_membership SET
                status = $status, silo_name = $silo_name, host_name = $host_name, gateway_port = $gateway_port, start_utc_ticks = $start,
                iamalive_utc_ticks = $alive, suspect_votes = $votes, metadata = $metadata, etag = $etag
            WHERE cluster_id = $cluster AND silo_address = $silo AND etag = $expected;
            """);
        AddEntryParameters(command, entry, etag);
        command.Parameters.AddWithValue("$expected", expectedEtag);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private void AddEntryParameters(SqliteCommand command, MembershipEntry entry, long etag)
    {
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$silo", entry.SiloAddress.ToString());
        command.Parameters.AddWithValue("$status", (int)entry.Status);
        command.Parameters.AddWithValue("$silo_name", entry.SiloName);
        command.Parameters.AddWithValue("$host_name", entry.HostName);
        command.Parameters.AddWithValue("$gateway_port", entry.GatewayPort);
        command.Parameters.AddWithValue("$start", entry.StartTime.UtcTicks);
        command.Parameters.AddWithValue("$alive", entry.IAmAliveTime.UtcTicks);
        command.Parameters.AddWithValue("$votes", SuspectVotesJson.Serialize(entry.SuspectVotes));
        command.Parameters.AddWithValue("$metadata", StringMapJson.Serialize(entry.Metadata));
        command.Parameters.AddWithValue("$etag", etag);
    }

    private static MembershipRow ReadRow(SqliteDataReader reader) => new(
        new MembershipEntry
        {
            SiloAddress = SiloAddress.Parse(reader.GetString(0)),
            Status = (SiloStatus)reader.GetInt32(1),
            SiloName = reader.GetString(2),
            HostName = reader.GetString(3),
            GatewayPort = reader.GetInt32(4),
            StartTime = new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero),
            IAmAliveTime = new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero),
            SuspectVotes = SuspectVotesJson.Deserialize(reader.GetString(7)),
            Metadata = StringMapJson.Deserialize(reader.GetString(8)),
        },
        SqliteEtag.Format(reader.GetInt64(9)));
}

using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Deror.Persistence.Postgres;

/// <summary>
/// The membership table of one cluster in PostgreSQL: a version row (deror_membership_version) plus one row per silo
/// (deror_membership). A membership change moves the version row and writes the silo row in one transaction, each
/// statement conditioned on the etag the writer read; the version row's lock makes racing writers queue, and all
/// but the first then find the etag changed. Etags come from the schema's etag sequence, so none is ever reused.
/// </summary>
public sealed class PostgresMembershipTable : IMembershipTable, IDisposable
{
    private const string RowColumns = "m.silo_address, m.status, m.silo_name, m.host_name, m.gateway_port, m.start_time_utc_ticks, m.i_am_alive_utc_ticks, m.suspect_votes, m.metadata, m.etag";

    private readonly PostgresDatabase _database;
    private readonly string _clusterId;
    private readonly ILogger _logger;

    public PostgresMembershipTable(PostgresStorageOptions options, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _clusterId = clusterId;
        _logger = loggerFactory.CreateLogger<PostgresMembershipTable>();
        _database = new PostgresDatabase(options, _logger);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ClusterCommand(connection, null, """
            INSERT INTO deror_membership_version (cluster_id, version, etag) VALUES (@cluster, 0, nextval('deror_etag_sequence'))
            ON CONFLICT DO NOTHING;
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        // One statement sees one snapshot, so the rows and the version are consistent with each other.
        await using var command = ClusterCommand(connection, null, $"""
            SELECT v.version, v.etag, {RowColumns}
            FROM deror_membership_version v LEFT JOIN deror_membership m ON m.cluster_id = v.cluster_id
            WHERE v.cluster_id = @cluster
            ORDER BY m.silo_address COLLATE "C";
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        TableVersion? version = null;
        var rows = new List<MembershipRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            version ??= new TableVersion(reader.GetInt32(0), PostgresEtag.Format(reader.GetInt64(1)));
            if (!reader.IsDBNull(2))
            {
                rows.Add(ReadRow(reader, firstColumn: 2));
            }
        }
        // Not initialized yet: nothing to read, and no write can match the empty etag.
        return new MembershipTableSnapshot(rows, version ?? new TableVersion(0, ""));
    }

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        return await WriteWithVersionAsync(entry, newVersion, "insert", """
            INSERT INTO deror_membership (cluster_id, silo_address, status, silo_name, host_name, gateway_port,
                start_time_utc_ticks, i_am_alive_utc_ticks, suspect_votes, metadata, etag)
            VALUES (@cluster, @silo, @status, @silo_name, @host_name, @gateway_port,
                @start_time, @i_am_alive, @suspect_votes, @metadata, nextval('deror_etag_sequence'))
            ON CONFLICT DO NOTHING;
            """, expectedRowVersion: null, cancellationToken);
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string rowETag, TableVersion newVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        if (!PostgresEtag.TryParse(rowETag, out var expectedRowVersion))
        {
            return false;
        }
        return await WriteWithVersionAsync(entry, newVersion, "update", """
            UPDATE deror_membership SET status = @status, silo_name = @silo_name, host_name = @host_name,
                gateway_port = @gateway_port, start_time_utc_ticks = @start_time, i_am_alive_utc_ticks = @i_am_alive,
                suspect_votes = @suspect_votes, metadata = @metadata, etag = nextval('deror_etag_sequence')
            WHERE cluster_id = @cluster AND silo_address = @silo AND etag = @row_etag;
            """, expectedRowVersion, cancellationToken);
    }

    public async Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset iAmAliveTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ClusterCommand(connection, null, "UPDATE deror_membership SET i_am_alive_utc_ticks = @i_am_alive WHERE cluster_id = @cluster AND silo_address = @silo;");
        command.Parameters.AddWithValue("silo", silo.ToString());
        command.Parameters.AddWithValue("i_am_alive", iAmAliveTime.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ClusterCommand(connection, null, "DELETE FROM deror_membership WHERE cluster_id = @cluster AND status = @dead AND i_am_alive_utc_ticks < @before;");
        command.Parameters.AddWithValue("dead", (int)SiloStatus.Dead);
        command.Parameters.AddWithValue("before", beforeDate.UtcTicks);
        var removed = await command.ExecuteNonQueryAsync(cancellationToken);
        if (removed > 0)
        {
            PostgresLog.DefunctSilosRemoved(_logger, removed, _clusterId);
        }
    }

    public void Dispose() => _database.Dispose();

    /// <summary>Moves the version row (if its etag is unchanged) and runs <paramref name="rowSql"/>, committing only if both hit one row.</summary>
    private async Task<bool> WriteWithVersionAsync(MembershipEntry entry, TableVersion newVersion, string operation, string rowSql, long? expectedRowVersion, CancellationToken cancellationToken)
    {
        if (!PostgresEtag.TryParse(newVersion.ETag, out var expectedTableEtag))
        {
            return false;
        }
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The version row goes first: its lock serializes every membership change of the cluster.
        await using (var version = ClusterCommand(connection, transaction, """
            UPDATE deror_membership_version SET version = @version, etag = nextval('deror_etag_sequence')
            WHERE cluster_id = @cluster AND etag = @expected;
            """))
        {
            version.Parameters.AddWithValue("version", newVersion.Version);
            version.Parameters.AddWithValue("expected", expectedTableEtag);
            if (await version.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                PostgresLog.MembershipWriteConflict(_logger, operation, entry.SiloAddress, _clusterId);
                return false;
            }
        }
        await using (var row = ClusterCommand(connection, transaction, rowSql))
        {
            AddEntryParameters(row, entry);
            if (expectedRowVersion is { } rowVersion)
            {
                row.Parameters.AddWithValue("row_etag", rowVersion);
            }
            if (await row.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                PostgresLog.MembershipWriteConflict(_logger, operation, entry.SiloAddress, _clusterId);
                return false;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private NpgsqlCommand ClusterCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("cluster", _clusterId);
        return command;
    }

    private static void AddEntryParameters(NpgsqlCommand command, MembershipEntry entry)
    {
        command.Parameters.AddWithValue("silo", entry.SiloAddress.ToString());
        command.Parameters.AddWithValue("status", (int)entry.Status);
        command.Parameters.AddWithValue("silo_name", entry.SiloName);
        command.Parameters.AddWithValue("host_name", entry.HostName);
        command.Parameters.AddWithValue("gateway_port", entry.GatewayPort);
        command.Parameters.AddWithValue("start_time", entry.StartTime.UtcTicks);
        command.Parameters.AddWithValue("i_am_alive", entry.IAmAliveTime.UtcTicks);
        command.Parameters.AddWithValue("suspect_votes", SuspectVotesJson.Serialize(entry.SuspectVotes));
        command.Parameters.AddWithValue("metadata", StringMapJson.Serialize(entry.Metadata));
    }

    private static MembershipRow ReadRow(NpgsqlDataReader reader, int firstColumn)
    {
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.Parse(reader.GetString(firstColumn)),
            Status = (SiloStatus)reader.GetInt32(firstColumn + 1),
            SiloName = reader.GetString(firstColumn + 2),
            HostName = reader.GetString(firstColumn + 3),
            GatewayPort = reader.GetInt32(firstColumn + 4),
            StartTime = new DateTimeOffset(reader.GetInt64(firstColumn + 5), TimeSpan.Zero),
            IAmAliveTime = new DateTimeOffset(reader.GetInt64(firstColumn + 6), TimeSpan.Zero),
            SuspectVotes = SuspectVotesJson.Deserialize(reader.GetString(firstColumn + 7)),
            Metadata = StringMapJson.Deserialize(reader.GetString(firstColumn + 8)),
        };
        return new MembershipRow(entry, PostgresEtag.Format(reader.GetInt64(firstColumn + 9)));
    }
}

using Deror.Runtime;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Deror.Persistence.Postgres;

/// <summary>
/// The grain directory of one cluster in PostgreSQL: one row per grain naming its activation. Registration is an
/// insert that may replace the row only when it still names the caller's previous activation, so concurrent
/// registrations of one grain agree on one winner.
/// </summary>
public sealed class PostgresGrainDirectory : IGrainDirectory, IDisposable
{
    private const string SelectColumns = "SELECT grain_id, activation_id, silo_address, membership_version FROM deror_grain_directory";

    private readonly PostgresDatabase _database;
    private readonly string _clusterId;
    private readonly ILogger _logger;

    public PostgresGrainDirectory(PostgresStorageOptions options, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _clusterId = clusterId;
        _logger = loggerFactory.CreateLogger<PostgresGrainDirectory>();
        _database = new PostgresDatabase(options, _logger);
    }

    public async Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // ON CONFLICT DO UPDATE locks the existing row even when its WHERE rejects the update (a null previous
        // activation never matches), so the row the next statement reads cannot change before the commit.
        await using (var register = ClusterCommand(connection, transaction, """
            INSERT INTO deror_grain_directory AS d (cluster_id, grain_id, activation_id, silo_address, membership_version)
            VALUES (@cluster, @grain, @activation, @silo, @membership_version)
            ON CONFLICT (cluster_id, grain_id) DO UPDATE SET activation_id = excluded.activation_id,
                silo_address = excluded.silo_address, membership_version = excluded.membership_version
            WHERE d.activation_id = @previous_activation;
            """))
        {
            register.Parameters.AddWithValue("grain", address.GrainId.ToString());
            register.Parameters.AddWithValue("activation", address.ActivationId.Value);
            register.Parameters.AddWithValue("silo", address.SiloAddress.ToString());
            register.Parameters.AddWithValue("membership_version", address.MembershipVersion);
            register.Parameters.Add(new NpgsqlParameter("previous_activation", NpgsqlDbType.Uuid)
            {
                Value = previousAddress is null || previousAddress.GrainId != address.GrainId ? DBNull.Value : previousAddress.ActivationId.Value,
            });
            if (await register.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await transaction.CommitAsync(cancellationToken);
                return address;
            }
        }
        var winner = await LookupAsync(connection, transaction, address.GrainId, cancellationToken)
            ?? throw new InvalidOperationException($"The directory entry of grain {address.GrainId} vanished while it was locked.");
        await transaction.CommitAsync(cancellationToken);
        PostgresLog.DirectoryRegistrationLost(_logger, address.GrainId, address.ActivationId, winner.ActivationId, winner.SiloAddress);
        return winner;
    }

    public async Task<bool> UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ClusterCommand(connection, null, "DELETE FROM deror_grain_directory WHERE cluster_id = @cluster AND grain_id = @grain AND activation_id = @activation;");
        command.Parameters.AddWithValue("grain", address.GrainId.ToString());
        command.Parameters.AddWithValue("activation", address.ActivationId.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await LookupAsync(connection, null, grainId, cancellationToken);
    }

    public async Task UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Count == 0)
        {
            return;
        }
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ClusterCommand(connection, null, "DELETE FROM deror_grain_directory WHERE cluster_id = @cluster AND silo_address = ANY(@silos);");
        command.Parameters.AddWithValue("silos", silos.Select(silo => silo.ToString()).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private async Task<GrainAddress?> LookupAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, GrainId grainId, CancellationToken cancellationToken)
    {
        await using var command = ClusterCommand(connection, transaction, $"{SelectColumns} WHERE cluster_id = @cluster AND grain_id = @grain;");
        command.Parameters.AddWithValue("grain", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new GrainAddress(
                GrainId.Parse(reader.GetString(0)),
                new ActivationId(reader.GetGuid(1)),
                SiloAddress.Parse(reader.GetString(2)),
                reader.GetInt32(3))
            : null;
    }

    private NpgsqlCommand ClusterCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("cluster", _clusterId);
        return command;
    }
}

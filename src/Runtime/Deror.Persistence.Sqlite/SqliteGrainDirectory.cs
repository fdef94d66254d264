using Deror.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// One cluster's grain directory in the shared SQLite file, keyed by (cluster id, grain id). Registration reads and
/// writes the entry inside one BEGIN IMMEDIATE transaction, so silo processes racing to activate a grain agree.
/// </summary>
public sealed class SqliteGrainDirectory : IGrainDirectory, IDisposable
{
    private const string SelectEntry = "SELECT activation_id, silo_address, membership_version FROM deror_grain_directory WHERE cluster_id = $cluster AND grain_id = $grain;";

    private readonly SqliteDatabase _database;
    private readonly string _clusterId;
    private readonly ILogger _logger;

    public SqliteGrainDirectory(SqliteStorageOptions options, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _clusterId = clusterId;
        _logger = loggerFactory.CreateLogger<SqliteGrainDirectory>();
        _database = new SqliteDatabase(options, _logger);
    }

    public async Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using (var lookup = transaction.CreateCommand(SelectEntry))
        {
            var existing = await ReadEntryAsync(lookup, address.GrainId, cancellationToken);
            if (existing is not null && !existing.Matches(previousAddress))
            {
                SqliteLog.GrainRegistrationLost(_logger, _clusterId, address.GrainId, existing.ActivationId, existing.SiloAddress, address.ActivationId);
                return existing;
            }
        }
        using var upsert = transaction.CreateCommand("""
            INSERT INTO deror_grain_directory (cluster_id, grain_id, activation_id, silo_address, membership_version)
            VALUES ($cluster, $grain, $activation, $silo, $membership_version)
            ON CONFLICT (cluster_id, grain_id) DO UPDATE SET
                activation_id = excluded.activation_id, silo_address = excluded.silo_address, membership_version = excluded.membership_version;
            """);
        upsert.Parameters.AddWithValue("$cluster", _clusterId);
        upsert.Parameters.AddWithValue("$grain", address.GrainId.ToString());
        upsert.Parameters.AddWithValue("$activation", address.ActivationId.ToString());
        upsert.Parameters.AddWithValue("$silo", address.SiloAddress.ToString());
        upsert.Parameters.AddWithValue("$membership_version", address.MembershipVersion);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return address;
    }

    public async Task<bool> UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using var command = transaction.CreateCommand("DELETE FROM deror_grain_directory WHERE cluster_id = $cluster AND grain_id = $grain AND activation_id = $activation;");
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$grain", address.GrainId.ToString());
        command.Parameters.AddWithValue("$activation", address.ActivationId.ToString());
        var removed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    public async Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = SelectEntry;
        return await ReadEntryAsync(command, grainId, cancellationToken);
    }

    public async Task UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Count == 0)
        {
            return;
        }
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using var command = transaction.CreateCommand("DELETE FROM deror_grain_directory WHERE cluster_id = $cluster AND silo_address = $silo;");
        command.Parameters.AddWithValue("$cluster", _clusterId);
        var silo = command.Parameters.Add("$silo", SqliteType.Text);
        foreach (var address in silos)
        {
            silo.Value = address.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private async Task<GrainAddress?> ReadEntryAsync(SqliteCommand command, GrainId grainId, CancellationToken cancellationToken)
    {
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new GrainAddress(grainId, new ActivationId(Guid.ParseExact(reader.GetString(0), "N")), SiloAddress.Parse(reader.GetString(1)), reader.GetInt32(2))
            : null;
    }
}

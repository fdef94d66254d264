using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>
/// One cluster's grain directory in the shared SQLite file, keyed by (cluster id, grain id). Registration reads and
/// writes the entry inside one BEGIN IMMEDIATE transaction, so silo processes racing to activate a grain agree.
/// Registrations and unregistrations are group-committed (<see cref="GroupCommitQueue{TItem, TResult}"/>): every
/// new activation registers, and one transaction per activation would hold the file's write lock more than all
/// grain state writes together.
/// </summary>
public sealed class SqliteGrainDirectory : IGrainDirectory, IDisposable
{
    private const string SelectEntry = "SELECT activation_id, silo_address, membership_version FROM deror_grain_directory WHERE cluster_id = $cluster AND grain_id = $grain;";

    /// <summary>Changes per group at most: bounds one transaction's size and how long it holds the file's write lock.</summary>
    private const int MaxChangesPerGroup = 256;

    private readonly SqliteDatabase _database;
    private readonly GroupCommitQueue<DirectoryChange, GrainAddress?> _changes;
    private readonly string _clusterId;
    private readonly ILogger _logger;

    public SqliteGrainDirectory(SqliteStorageOptions options, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _clusterId = clusterId;
        _logger = loggerFactory.CreateLogger<SqliteGrainDirectory>();
        _database = new SqliteDatabase(options, _logger);
        _changes = new GroupCommitQueue<DirectoryChange, GrainAddress?>(CommitAsync, _ => 1, MaxChangesPerGroup, "grain directory changes", _logger);
    }

    public async Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        return (await _changes.EnqueueAsync(new DirectoryChange(address, previousAddress, Unregister: false), cancellationToken))!;
    }

    public async Task<bool> UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        return await _changes.EnqueueAsync(new DirectoryChange(address, null, Unregister: true), cancellationToken) is not null;
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

    public void Dispose()
    {
        _changes.Dispose();
        _database.Dispose();
    }

    /// <summary>
    /// Applies a group in one transaction, in order, as if each change were its own transaction: a registration
    /// returns the entry that won (its own address, or the one already there), an unregistration its address if it
    /// removed the entry.
    /// </summary>
    private async Task<IReadOnlyList<GroupCommitOutcome<GrainAddress?>>> CommitAsync(IReadOnlyList<DirectoryChange> group)
    {
        await using var transaction = await _database.BeginWriteAsync(CancellationToken.None);
        using var lookup = transaction.CreateCommand(SelectEntry);
        using var upsert = transaction.CreateCommand("""
            INSERT INTO deror_grain_directory (cluster_id, grain_id, activation_id, silo_address, membership_version)
            VALUES ($cluster, $grain, $activation, $silo, $membership_version)
            ON CONFLICT (cluster_id, grain_id) DO UPDATE SET
                activation_id = excluded.activation_id, silo_address = excluded.silo_address, membership_version = excluded.membership_version;
            """);
        using var delete = transaction.CreateCommand("DELETE FROM deror_grain_directory WHERE cluster_id = $cluster AND grain_id = $grain AND activation_id = $activation;");
        var outcomes = new GroupCommitOutcome<GrainAddress?>[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var (address, previous, unregister) = group[i];
            if (unregister)
            {
                SetEntry(delete, address, withLocation: false);
                outcomes[i] = GroupCommitOutcome<GrainAddress?>.Succeeded(await delete.ExecuteNonQueryAsync() == 1 ? address : null);
                continue;
            }
            var existing = await ReadEntryAsync(lookup, address.GrainId, CancellationToken.None);
            if (existing is not null && !existing.Matches(previous))
            {
                SqliteLog.GrainRegistrationLost(_logger, _clusterId, address.GrainId, existing.ActivationId, existing.SiloAddress, address.ActivationId);
                outcomes[i] = GroupCommitOutcome<GrainAddress?>.Succeeded(existing);
                continue;
            }
            SetEntry(upsert, address, withLocation: true);
            await upsert.ExecuteNonQueryAsync();
            outcomes[i] = GroupCommitOutcome<GrainAddress?>.Succeeded(address);
        }
        await transaction.CommitAsync(CancellationToken.None);
        return outcomes;
    }

    private void SetEntry(SqliteCommand command, GrainAddress address, bool withLocation)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$grain", address.GrainId.ToString());
        command.Parameters.AddWithValue("$activation", address.ActivationId.ToString());
        if (withLocation)
        {
            command.Parameters.AddWithValue("$silo", address.SiloAddress.ToString());
            command.Parameters.AddWithValue("$membership_version", address.MembershipVersion);
        }
    }

    private async Task<GrainAddress?> ReadEntryAsync(SqliteCommand command, GrainId grainId, CancellationToken cancellationToken)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$cluster", _clusterId);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new GrainAddress(grainId, new ActivationId(Guid.ParseExact(reader.GetString(0), "N")), SiloAddress.Parse(reader.GetString(1)), reader.GetInt32(2))
            : null;
    }

    /// <summary>A queued registration (of <see cref="Address"/>, replacing <see cref="Previous"/>) or unregistration.</summary>
    private readonly record struct DirectoryChange(GrainAddress Address, GrainAddress? Previous, bool Unregister);
}

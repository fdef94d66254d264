using Deror.Runtime;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Deror.Persistence.Postgres;

/// <summary>
/// Grain state in PostgreSQL: one row per (service, state name, grain) whose version, drawn from the etag sequence,
/// is the etag. Each write is a single conditional statement, so the row lock decides races.
/// </summary>
public sealed class PostgresGrainStorage : IGrainStorage, IDisposable
{
    private readonly PostgresDatabase _database;
    private readonly string _serviceId;
    private readonly ILogger _logger;

    public PostgresGrainStorage(PostgresStorageOptions options, string serviceId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _serviceId = serviceId;
        _logger = loggerFactory.CreateLogger<PostgresGrainStorage>();
        _database = new PostgresDatabase(options, _logger);
    }

    public async Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = KeyedCommand(connection, "SELECT data, version FROM deror_grain_state WHERE service_id = @service AND state_name = @state AND grain_id = @grain;", stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new GrainStateRecord(reader.GetFieldValue<byte[]>(0), PostgresEtag.Format(reader.GetInt64(1)))
            : null;
    }

    public async Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        long? expectedVersion = null;
        if (expectedEtag is not null)
        {
            if (!PostgresEtag.TryParse(expectedEtag, out var parsed))
            {
                throw await ConflictAsync(connection, stateName, grainId, expectedEtag, "write", cancellationToken);
            }
            expectedVersion = parsed;
        }
        // No expected etag: create only if absent. An expected etag: replace only if the row still carries it.
        await using var command = KeyedCommand(connection, expectedVersion is null
            ? """
              INSERT INTO deror_grain_state (service_id, state_name, grain_id, data, version)
              VALUES (@service, @state, @grain, @data, nextval('deror_etag_sequence'))
              ON CONFLICT DO NOTHING RETURNING version;
              """
            : """
              UPDATE deror_grain_state SET data = @data, version = nextval('deror_etag_sequence')
              WHERE service_id = @service AND state_name = @state AND grain_id = @grain AND version = @expected
              RETURNING version;
              """, stateName, grainId);
        command.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = data.ToArray() });
        if (expectedVersion is { } version)
        {
            command.Parameters.AddWithValue("expected", version);
        }
        return await command.ExecuteScalarAsync(cancellationToken) is long newVersion
            ? PostgresEtag.Format(newVersion)
            : throw await ConflictAsync(connection, stateName, grainId, expectedEtag, "write", cancellationToken);
    }

    public async Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        await using var connection = await _database.OpenAsync(cancellationToken);
        if (expectedEtag is null)
        {
            // Clearing "no record" succeeds exactly when there is no record.
            if (await ReadStoredEtagAsync(connection, stateName, grainId, cancellationToken) is not null)
            {
                throw await ConflictAsync(connection, stateName, grainId, expectedEtag, "clear", cancellationToken);
            }
            return;
        }
        if (PostgresEtag.TryParse(expectedEtag, out var expectedVersion))
        {
            await using var command = KeyedCommand(connection, "DELETE FROM deror_grain_state WHERE service_id = @service AND state_name = @state AND grain_id = @grain AND version = @expected;", stateName, grainId);
            command.Parameters.AddWithValue("expected", expectedVersion);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return;
            }
        }
        throw await ConflictAsync(connection, stateName, grainId, expectedEtag, "clear", cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// The exception for a failed compare-and-set. The stored etag is read after the failed statement, so under a
    /// race it may have moved on again; it tells the caller what it lost to, not what it must match next.
    /// </summary>
    private async Task<InconsistentStateException> ConflictAsync(NpgsqlConnection connection, string stateName, GrainId grainId, string? expectedEtag, string operation, CancellationToken cancellationToken)
    {
        var storedEtag = await ReadStoredEtagAsync(connection, stateName, grainId, cancellationToken);
        PostgresLog.StateEtagConflict(_logger, stateName, grainId, storedEtag, expectedEtag);
        return new InconsistentStateException(
            $"Cannot {operation} state '{stateName}' of grain {grainId}: stored etag is {storedEtag ?? "none"}, expected {expectedEtag ?? "none"}.",
            storedEtag,
            expectedEtag);
    }

    private async Task<string?> ReadStoredEtagAsync(NpgsqlConnection connection, string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        await using var command = KeyedCommand(connection, "SELECT version FROM deror_grain_state WHERE service_id = @service AND state_name = @state AND grain_id = @grain;", stateName, grainId);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? PostgresEtag.Format(version) : null;
    }

    private NpgsqlCommand KeyedCommand(NpgsqlConnection connection, string sql, string stateName, GrainId grainId)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.AddWithValue("state", stateName);
        command.Parameters.AddWithValue("grain", grainId.ToString());
        return command;
    }
}

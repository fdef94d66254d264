using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Deror.Persistence.Postgres;

/// <summary>
/// Durable jobs in PostgreSQL keyed by (service, job id), indexed by (due time, target hash) for the due-job scan.
/// Every change is one statement conditioned on the row's version, so the row lock decides races.
/// </summary>
public sealed class PostgresDurableJobStore : IDurableJobStore, IDisposable
{
    private const string SelectColumns = "SELECT job_id, target_grain_id, job_name, due_utc_ticks, attempt, metadata, version FROM deror_jobs";

    private readonly PostgresDatabase _database;
    private readonly string _serviceId;
    private readonly ILogger _logger;

    public PostgresDurableJobStore(PostgresStorageOptions options, string serviceId, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _serviceId = serviceId;
        _logger = loggerFactory.CreateLogger<PostgresDurableJobStore>();
        _database = new PostgresDatabase(options, _logger);
    }

    public async Task<string> AddAsync(DurableJobEntry job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(job.JobId);
        ArgumentNullException.ThrowIfNull(job.Metadata);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, """
            INSERT INTO deror_jobs (service_id, job_id, target_grain_id, target_hash, job_name, due_utc_ticks, attempt, metadata, version)
            VALUES (@service, @id, @target, @hash, @name, @due, @attempt, @metadata, nextval('deror_etag_sequence'))
            ON CONFLICT DO NOTHING RETURNING version;
            """);
        command.Parameters.AddWithValue("id", job.JobId);
        command.Parameters.AddWithValue("target", job.Target.ToString());
        command.Parameters.AddWithValue("hash", (long)job.TargetHash);
        command.Parameters.AddWithValue("name", job.JobName);
        command.Parameters.AddWithValue("due", job.DueTime.UtcTicks);
        command.Parameters.AddWithValue("attempt", job.Attempt);
        command.Parameters.AddWithValue("metadata", StringMapJson.Serialize(job.Metadata));
        return await command.ExecuteScalarAsync(cancellationToken) is long version
            ? PostgresEtag.Format(version)
            : throw new InvalidOperationException($"A durable job with id '{job.JobId}' already exists.");
    }

    public async Task<DurableJobEntry?> ReadAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, $"{SelectColumns} WHERE service_id = @service AND job_id = @id;");
        command.Parameters.AddWithValue("id", jobId);
        var jobs = await ReadJobsAsync(command, cancellationToken);
        return jobs.Count == 0 ? null : jobs[0];
    }

    public async Task<IReadOnlyList<DurableJobEntry>> ReadDueAsync(uint begin, uint end, DateTimeOffset dueBy, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, "");
        command.CommandText = $"""
            {SelectColumns}
            WHERE service_id = @service AND due_utc_ticks <= @due_by AND {PostgresRingRange.Condition(command, "target_hash", begin, end)}
            ORDER BY due_utc_ticks, job_id COLLATE "C" LIMIT @max_count;
            """;
        command.Parameters.AddWithValue("due_by", dueBy.UtcTicks);
        command.Parameters.AddWithValue("max_count", maxCount);
        return await ReadJobsAsync(command, cancellationToken);
    }

    public async Task<string?> RescheduleAsync(string jobId, DateTimeOffset dueTime, int attempt, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (!PostgresEtag.TryParse(etag, out var expectedVersion))
        {
            return null;
        }
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, """
            UPDATE deror_jobs SET due_utc_ticks = @due, attempt = @attempt, version = nextval('deror_etag_sequence')
            WHERE service_id = @service AND job_id = @id AND version = @expected
            RETURNING version;
            """);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("due", dueTime.UtcTicks);
        command.Parameters.AddWithValue("attempt", attempt);
        command.Parameters.AddWithValue("expected", expectedVersion);
        if (await command.ExecuteScalarAsync(cancellationToken) is long version)
        {
            return PostgresEtag.Format(version);
        }
        PostgresLog.JobEtagConflict(_logger, jobId, "rescheduled", etag);
        return null;
    }

    public async Task<bool> RemoveAsync(string jobId, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (!PostgresEtag.TryParse(etag, out var expectedVersion))
        {
            return false;
        }
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, "DELETE FROM deror_jobs WHERE service_id = @service AND job_id = @id AND version = @expected;");
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("expected", expectedVersion);
        var removed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (!removed)
        {
            PostgresLog.JobEtagConflict(_logger, jobId, "removed", etag);
        }
        return removed;
    }

    public async Task<IReadOnlyList<DurableJobEntry>> ReadManyAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        if (jobIds.Count == 0)
        {
            return [];
        }
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, $"{SelectColumns} WHERE service_id = @service AND job_id = ANY(@ids);");
        command.Parameters.AddWithValue("ids", jobIds.ToArray());
        return await ReadJobsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlySet<string>> RemoveManyAsync(IReadOnlyList<(string JobId, string ETag)> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var candidates = new List<(string JobId, long Version)>(jobs.Count);
        foreach (var (jobId, etag) in jobs)
        {
            ArgumentNullException.ThrowIfNull(jobId);
            if (PostgresEtag.TryParse(etag, out var version))
            {
                candidates.Add((jobId, version));
            }
        }
        var removed = new HashSet<string>(StringComparer.Ordinal);
        if (candidates.Count == 0)
        {
            return removed;
        }
        // One statement: each row is deleted only if its version still matches (the row lock decides races).
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = ServiceCommand(connection, """
            DELETE FROM deror_jobs AS j USING unnest(@ids, @versions) AS c(job_id, version)
            WHERE j.service_id = @service AND j.job_id = c.job_id AND j.version = c.version
            RETURNING j.job_id;
            """);
        command.Parameters.AddWithValue("ids", candidates.Select(c => c.JobId).ToArray());
        command.Parameters.AddWithValue("versions", candidates.Select(c => c.Version).ToArray());
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                removed.Add(reader.GetString(0));
            }
        }
        foreach (var (jobId, etag) in jobs.Where(job => !removed.Contains(job.JobId)))
        {
            PostgresLog.JobEtagConflict(_logger, jobId, "removed", etag);
        }
        return removed;
    }

    public void Dispose() => _database.Dispose();

    private NpgsqlCommand ServiceCommand(NpgsqlConnection connection, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("service", _serviceId);
        return command;
    }

    private static async Task<IReadOnlyList<DurableJobEntry>> ReadJobsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<DurableJobEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new DurableJobEntry(
                reader.GetString(0),
                GrainId.Parse(reader.GetString(1)),
                reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                reader.GetInt32(4),
                StringMapJson.Deserialize(reader.GetString(5)),
                PostgresEtag.Format(reader.GetInt64(6))));
        }
        return jobs;
    }
}

using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Sqlite;

/// <summary>Durable jobs in the shared SQLite file, indexed by (due time, target hash) for the due-job scan.</summary>
public sealed class SqliteDurableJobStore : IDurableJobStore, IDisposable
{
    private const string SelectColumns = "SELECT job_id, target_grain_id, job_name, due_utc_ticks, attempt, metadata, version FROM deror_jobs";

    private readonly SqliteDatabase _database;
    private readonly ILogger _logger;

    public SqliteDurableJobStore(SqliteStorageOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<SqliteDurableJobStore>();
        _database = new SqliteDatabase(options, _logger);
    }

    public async Task<string> AddAsync(DurableJobEntry job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(job.JobId);
        ArgumentNullException.ThrowIfNull(job.Metadata);
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using (var exists = transaction.CreateCommand("SELECT 1 FROM deror_jobs WHERE job_id = $id;"))
        {
            exists.Parameters.AddWithValue("$id", job.JobId);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                throw new InvalidOperationException($"A durable job with id '{job.JobId}' already exists.");
            }
        }
        var (version, etag) = await transaction.NextVersionAsync(cancellationToken);
        using var insert = transaction.CreateCommand("""
            INSERT INTO deror_jobs (job_id, target_grain_id, target_hash, job_name, due_utc_ticks, attempt, metadata, version)
            VALUES ($id, $target, $hash, $name, $due, $attempt, $metadata, $version);
            """);
        insert.Parameters.AddWithValue("$id", job.JobId);
        insert.Parameters.AddWithValue("$target", job.Target.ToString());
        insert.Parameters.AddWithValue("$hash", (long)job.TargetHash);
        insert.Parameters.AddWithValue("$name", job.JobName);
        insert.Parameters.AddWithValue("$due", job.DueTime.UtcTicks);
        insert.Parameters.AddWithValue("$attempt", job.Attempt);
        insert.Parameters.AddWithValue("$metadata", StringMapJson.Serialize(job.Metadata));
        insert.Parameters.AddWithValue("$version", version);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return etag;
    }

    public async Task<DurableJobEntry?> ReadAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"{SelectColumns} WHERE job_id = $id;";
        command.Parameters.AddWithValue("$id", jobId);
        var jobs = await ReadJobsAsync(command, cancellationToken);
        return jobs.Count == 0 ? null : jobs[0];
    }

    public async Task<IReadOnlyList<DurableJobEntry>> ReadDueAsync(uint begin, uint end, DateTimeOffset dueBy, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            {SelectColumns}
            WHERE due_utc_ticks <= $due_by AND {SqliteRingRange.Condition(command, "target_hash", begin, end)}
            ORDER BY due_utc_ticks, job_id LIMIT $max_count;
            """;
        command.Parameters.AddWithValue("$due_by", dueBy.UtcTicks);
        command.Parameters.AddWithValue("$max_count", maxCount);
        return await ReadJobsAsync(command, cancellationToken);
    }

    public async Task<string?> RescheduleAsync(string jobId, DateTimeOffset dueTime, int attempt, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (!SqliteEtag.TryParse(etag, out var expectedVersion))
        {
            return null;
        }
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        var (version, newEtag) = await transaction.NextVersionAsync(cancellationToken);
        using var command = transaction.CreateCommand("""
            UPDATE deror_jobs SET due_utc_ticks = $due, attempt = $attempt, version = $version
            WHERE job_id = $id AND version = $expected;
            """);
        command.Parameters.AddWithValue("$id", jobId);
        command.Parameters.AddWithValue("$due", dueTime.UtcTicks);
        command.Parameters.AddWithValue("$attempt", attempt);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$expected", expectedVersion);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            SqliteLog.JobEtagConflict(_logger, jobId, "rescheduled", etag);
            return null;
        }
        await transaction.CommitAsync(cancellationToken);
        return newEtag;
    }

    public async Task<bool> RemoveAsync(string jobId, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (!SqliteEtag.TryParse(etag, out var expectedVersion))
        {
            return false;
        }
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using var command = transaction.CreateCommand("DELETE FROM deror_jobs WHERE job_id = $id AND version = $expected;");
        command.Parameters.AddWithValue("$id", jobId);
        command.Parameters.AddWithValue("$expected", expectedVersion);
        var removed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        if (!removed)
        {
            SqliteLog.JobEtagConflict(_logger, jobId, "removed", etag);
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
        using var command = connection.CreateCommand();
        // One JSON array parameter instead of one parameter per id (SQLite bounds the number of parameters).
        command.CommandText = $"{SelectColumns} WHERE job_id IN (SELECT value FROM json_each($ids));";
        command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(jobIds));
        return await ReadJobsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlySet<string>> RemoveManyAsync(IReadOnlyList<(string JobId, string ETag)> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        if (jobs.Count == 0)
        {
            return removed;
        }
        await using var transaction = await _database.BeginWriteAsync(cancellationToken);
        using var command = transaction.CreateCommand("DELETE FROM deror_jobs WHERE job_id = $id AND version = $expected;");
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var expected = command.Parameters.Add("$expected", SqliteType.Integer);
        foreach (var (jobId, etag) in jobs)
        {
            ArgumentNullException.ThrowIfNull(jobId);
            if (!SqliteEtag.TryParse(etag, out var expectedVersion))
            {
                continue;
            }
            id.Value = jobId;
            expected.Value = expectedVersion;
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                removed.Add(jobId);
            }
            else
            {
                SqliteLog.JobEtagConflict(_logger, jobId, "removed", etag);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    public void Dispose() => _database.Dispose();

    private static async Task<IReadOnlyList<DurableJobEntry>> ReadJobsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<DurableJobEntry>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new DurableJobEntry(
                reader.GetString(0),
                GrainId.Parse(reader.GetString(1)),
                reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                reader.GetInt32(4),
                StringMapJson.Deserialize(reader.GetString(5)),
                SqliteEtag.Format(reader.GetInt64(6))));
        }
        return jobs;
    }
}

using Deror.Runtime;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>Grain state: one hash {data, etag} per (state name, grain); writes and clears are compare-and-set in Lua.</summary>
public sealed class RedisGrainStorage : IGrainStorage
{
    // ARGV[1] is the expected etag ('' for none). Returns {1, new etag} or {0, stored etag or ''}.
    private const string WriteScript = RedisScript.NextEtagFunction + """
        local stored = redis.call('HGET', KEYS[1], 'etag') or ''
        if stored ~= ARGV[1] then return {0, stored} end
        local etag = next_etag(KEYS[2])
        redis.call('HSET', KEYS[1], 'data', ARGV[2], 'etag', etag)
        return {1, etag}
        """;

    private const string ClearScript = """
        local stored = redis.call('HGET', KEYS[1], 'etag') or ''
        if stored ~= ARGV[1] then return {0, stored} end
        redis.call('DEL', KEYS[1])
        return {1, ''}
        """;

    private static readonly RedisValue[] RecordFields = ["data", "etag"];

    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;

    public RedisGrainStorage(RedisConnection connection, string serviceId, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _connection = connection;
        _keys = RedisKeys.ForService(serviceId);
        _logger = loggerFactory.CreateLogger<RedisGrainStorage>();
    }

    public async Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        var database = await _connection.GetDatabaseAsync();
        var values = await database.HashGetAsync(_keys.State(stateName, grainId), RecordFields).WaitAsync(cancellationToken);
        return values[1].IsNull ? null : new GrainStateRecord((byte[]?)values[0] ?? [], (string)values[1]!);
    }

    public async Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        return await RunCompareAndSetAsync(WriteScript, "write", stateName, grainId, expectedEtag, data.ToArray(), cancellationToken);
    }

    public async Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        await RunCompareAndSetAsync(ClearScript, "clear", stateName, grainId, expectedEtag, RedisValue.EmptyString, cancellationToken);
    }

    /// <summary>Runs a compare-and-set script; returns the string it yields on success, throws the conflict otherwise.</summary>
    private async Task<string> RunCompareAndSetAsync(string script, string operation, string stateName, GrainId grainId, string? expectedEtag, RedisValue data, CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync();
        var result = (RedisResult[])(await database.RunAsync(script, [_keys.State(stateName, grainId), _keys.EtagCounter], expectedEtag ?? "", data).WaitAsync(cancellationToken))!;
        var value = (string)result[1]!;
        if ((long)result[0] == 1)
        {
            return value;
        }
        throw Conflict(operation, stateName, grainId, expectedEtag, value.Length == 0 ? null : value);
    }

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? expectedEtag, string? storedEtag)
    {
        RedisLog.StateEtagConflict(_logger, stateName, grainId, storedEtag, expectedEtag);
        return new InconsistentStateException(
            $"Cannot {operation} state '{stateName}' of grain {grainId}: stored etag is {storedEtag ?? "none"}, expected {expectedEtag ?? "none"}.",
            storedEtag,
            expectedEtag);
    }
}

using System.Globalization;
using Deror.Runtime;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>
/// The grain directory of one cluster: a hash {activation, silo, version} per grain, plus a set of grain ids per silo
/// so a dead silo's entries go without a key scan. Register and unregister are compare-and-set on the activation id in Lua.
/// </summary>
public sealed class RedisGrainDirectory : IGrainDirectory
{
    // KEYS: entry, new silo's set. ARGV: activation, silo, version, previous activation ('' for none), grain id,
    // silo-set key prefix (to drop the grain from the old silo's set). Returns the entry after the call.
    private const string RegisterScript = """
        local current = redis.call('HMGET', KEYS[1], 'activation', 'silo', 'version')
        if current[1] and current[1] ~= ARGV[4] then return current end
        if current[2] then redis.call('SREM', ARGV[6] .. current[2], ARGV[5]) end
        redis.call('HSET', KEYS[1], 'activation', ARGV[1], 'silo', ARGV[2], 'version', ARGV[3])
        redis.call('SADD', KEYS[2], ARGV[5])
        return {ARGV[1], ARGV[2], ARGV[3]}
        """;

    // KEYS: entry, silo's set. ARGV: activation, grain id.
    private const string UnregisterScript = """
        if redis.call('HGET', KEYS[1], 'activation') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('SREM', KEYS[2], ARGV[2])
        return 1
        """;

    // KEYS: silo's set. ARGV: silo, entry-key prefix. Deletes the entries still on the silo; returns how many.
    private const string UnregisterSiloScript = """
        local removed = 0
        for _, grain in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local key = ARGV[2] .. grain
          if redis.call('HGET', key, 'silo') == ARGV[1] then
            redis.call('DEL', key)
            removed = removed + 1
          end
        end
        redis.call('DEL', KEYS[1])
        return removed
        """;

    private static readonly RedisValue[] EntryFields = ["activation", "silo", "version"];

    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;

    public RedisGrainDirectory(RedisConnection connection, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _connection = connection;
        _keys = RedisKeys.ForCluster(clusterId);
        _logger = loggerFactory.CreateLogger<RedisGrainDirectory>();
    }

    public async Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var database = await _connection.GetDatabaseAsync();
        var result = await database.RunAsync(
            RegisterScript,
            [_keys.GrainEntry(address.GrainId), _keys.SiloGrains(address.SiloAddress)],
            address.ActivationId.ToString(),
            address.SiloAddress.ToString(),
            address.MembershipVersion,
            previousAddress?.ActivationId.ToString() ?? "",
            address.GrainId.ToString(),
            _keys.SiloGrainsPrefix).WaitAsync(cancellationToken);
        var registered = ToAddress(address.GrainId, ((RedisResult[])result!).Select(value => (RedisValue)value).ToArray());
        if (!registered.Matches(address))
        {
            RedisLog.RegistrationLost(_logger, address.ActivationId, address.GrainId, registered.ActivationId, registered.SiloAddress);
        }
        return registered;
    }

    public async Task<bool> UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var database = await _connection.GetDatabaseAsync();
        var result = await database.RunAsync(
            UnregisterScript,
            [_keys.GrainEntry(address.GrainId), _keys.SiloGrains(address.SiloAddress)],
            address.ActivationId.ToString(),
            address.GrainId.ToString()).WaitAsync(cancellationToken);
        return (long)result == 1;
    }

    public async Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        var database = await _connection.GetDatabaseAsync();
        var values = await database.HashGetAsync(_keys.GrainEntry(grainId), EntryFields).WaitAsync(cancellationToken);
        return values[0].IsNull ? null : ToAddress(grainId, values);
    }

    public async Task UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silos);
        var database = await _connection.GetDatabaseAsync();
        foreach (var silo in silos)
        {
            var removed = (long)await database.RunAsync(UnregisterSiloScript, [_keys.SiloGrains(silo)], silo.ToString(), _keys.GrainEntryPrefix)
                .WaitAsync(cancellationToken);
            RedisLog.SiloEntriesRemoved(_logger, removed, silo);
        }
    }

    /// <summary>Builds an address from its values in <see cref="EntryFields"/> order.</summary>
    private static GrainAddress ToAddress(GrainId grainId, RedisValue[] values) => new(
        grainId,
        new ActivationId(Guid.ParseExact((string)values[0]!, "N")),
        SiloAddress.Parse(values[1]!),
        int.Parse((string)values[2]!, CultureInfo.InvariantCulture));
}

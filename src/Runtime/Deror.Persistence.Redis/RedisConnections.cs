using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Deror.Persistence.Redis;

/// <summary>The silo's Redis connections: one per distinct configuration string, so all providers configured alike share one.</summary>
internal sealed class RedisConnections(ILoggerFactory loggerFactory) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RedisConnection>> _connections = new(StringComparer.Ordinal);

    public RedisConnection For(RedisStorageOptions options)
    {
        RedisStorageOptionsValidator.ThrowIfInvalid(options);
        return _connections.GetOrAdd(options.Configuration!, _ => new Lazy<RedisConnection>(() => new RedisConnection(options, loggerFactory))).Value;
    }

    public void Dispose()
    {
        foreach (var connection in _connections.Values.Where(connection => connection.IsValueCreated))
        {
            connection.Value.Dispose();
        }
    }
}

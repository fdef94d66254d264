using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>
/// One <see cref="ConnectionMultiplexer"/> for a configuration string, opened on first use and shared by every
/// provider built on it (the multiplexer pipelines all their commands over one socket per server).
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;
    private readonly ILogger _logger;

    public RedisConnection(RedisStorageOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        RedisStorageOptionsValidator.ThrowIfInvalid(options);
        _logger = loggerFactory.CreateLogger<RedisConnection>();
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        // Keep retrying instead of failing the silo when Redis is down at start or restarts later.
        configuration.AbortOnConnectFail = false;
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(configuration));
    }

    public async Task<IDatabase> GetDatabaseAsync()
        => (await _multiplexer.Value.ConfigureAwait(false)).GetDatabase();

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            _multiplexer.Value.Result.Dispose();
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        multiplexer.ConnectionFailed += (_, e) => RedisLog.ConnectionFailed(_logger, e.Exception, e.EndPoint?.ToString(), e.FailureType.ToString());
        multiplexer.ConnectionRestored += (_, e) => RedisLog.ConnectionRestored(_logger, e.EndPoint?.ToString());
        RedisLog.Connected(_logger, string.Join(", ", configuration.EndPoints));
        return multiplexer;
    }
}

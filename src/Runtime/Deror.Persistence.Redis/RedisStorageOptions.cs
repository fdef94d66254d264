namespace Deror.Persistence.Redis;

/// <summary>
/// Where the Redis providers keep their data. Redis is the system of record for membership, the grain directory,
/// reminders, jobs and state, so in production it must run with persistence on (<c>appendonly yes</c>, ideally
/// <c>appendfsync everysec</c> or <c>always</c>): without it a Redis restart forgets the cluster and every grain's state.
/// </summary>
public sealed class RedisStorageOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c> or <c>redis1:6379,password=...,ssl=true</c>.</summary>
    public string? Configuration { get; set; }
}

using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>Runs the Lua scripts that make each compare-and-set atomic inside Redis.</summary>
internal static class RedisScript
{
    public static Task<RedisResult> RunAsync(this IDatabase database, string script, RedisKey[] keys, params RedisValue[] values)
        => database.ScriptEvaluateAsync(script, keys, values);

    /// <summary>Lua: the ring range (begin, end] test of <see cref="Runtime.RingRange"/>; begin == end is the whole ring.</summary>
    public const string RingRangeFunction = """
        local function in_ring_range(b, e, h)
          if b == e then return true end
          if b < e then return h > b and h <= e end
          return h > b or h <= e
        end

        """;

    /// <summary>Lua: the next etag of the scope, as a decimal string (never in exponent form).</summary>
    public const string NextEtagFunction = """
        local function next_etag(counter)
          return string.format('%d', redis.call('INCR', counter))
        end

        """;
}

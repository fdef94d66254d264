using System.Globalization;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>
/// Lexicographic (ZRANGEBYLEX) bounds over members that start with a grain hash as 8 lowercase hex digits and a ':'.
/// Hex of equal width sorts like the numbers, and ';' is the character after ':', so <c>hex;</c> lies just above
/// every member of that hash.
/// </summary>
internal static class RedisLexRange
{
    private static readonly RedisValue Lowest = "-";
    private static readonly RedisValue Highest = "+";

    public static string Hex(uint hash) => hash.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>Bounds pairs covering the ring range (begin, end]; a range that wraps around zero needs two.</summary>
    public static RedisValue[] ForRing(uint begin, uint end)
    {
        if (begin == end)
        {
            return [Lowest, Highest];
        }
        var above = (RedisValue)("[" + Hex(begin) + ";");
        var upTo = (RedisValue)("(" + Hex(end) + ";");
        return begin < end ? [above, upTo] : [above, Highest, Lowest, upTo];
    }

    /// <summary>Bounds of the members of exactly one hash.</summary>
    public static RedisValue[] ForHash(uint hash) => ["[" + Hex(hash) + ":", "(" + Hex(hash) + ";"];
}

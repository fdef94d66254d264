using Deror.Runtime;
using Npgsql;

namespace Deror.Persistence.Postgres;

/// <summary>The SQL form of <see cref="RingRange.Contains"/>: (begin, end], wrapping when begin &gt; end, whole ring when equal.</summary>
internal static class PostgresRingRange
{
    /// <summary>A WHERE condition on <paramref name="hashColumn"/> (a bigint holding a uint); binds @ring_begin and @ring_end.</summary>
    public static string Condition(NpgsqlCommand command, string hashColumn, uint begin, uint end)
    {
        command.Parameters.AddWithValue("ring_begin", (long)begin);
        command.Parameters.AddWithValue("ring_end", (long)end);
        return begin == end ? "TRUE"
            : begin < end ? $"({hashColumn} > @ring_begin AND {hashColumn} <= @ring_end)"
            : $"({hashColumn} > @ring_begin OR {hashColumn} <= @ring_end)";
    }
}

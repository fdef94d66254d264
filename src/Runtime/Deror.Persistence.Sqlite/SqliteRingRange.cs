using Deror.Runtime;
using Microsoft.Data.Sqlite;

namespace Deror.Persistence.Sqlite;

/// <summary>The SQL form of <see cref="RingRange.Contains"/>: (begin, end], wrapping when begin &gt; end, whole ring when equal.</summary>
internal static class SqliteRingRange
{
    /// <summary>A WHERE condition on <paramref name="hashColumn"/>; binds $ring_begin and $ring_end on <paramref name="command"/>.</summary>
    public static string Condition(SqliteCommand command, string hashColumn, uint begin, uint end)
    {
        command.Parameters.AddWithValue("$ring_begin", (long)begin);
        command.Parameters.AddWithValue("$ring_end", (long)end);
        return begin == end ? "1 = 1"
            : begin < end ? $"({hashColumn} > $ring_begin AND {hashColumn} <= $ring_end)"
            : $"({hashColumn} > $ring_begin OR {hashColumn} <= $ring_end)";
    }
}

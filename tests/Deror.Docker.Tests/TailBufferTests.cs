using System.Text;

namespace Deror.Docker.Tests;

public sealed class TailBufferTests
{
    [Fact]
    public void Under_its_capacity_it_keeps_everything()
    {
        var buffer = new TailBuffer(16);
        buffer.Write("abc"u8);
        buffer.Write("def"u8);

        Assert.Equal("abcdef", buffer.ToText());
        Assert.False(buffer.Truncated);
        Assert.Equal(6, buffer.TotalBytes);
    }

    [Fact]
    public void Over_its_capacity_it_keeps_the_last_bytes_across_many_writes()
    {
        var buffer = new TailBuffer(10);
        var expected = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var piece = $"{i},";
            buffer.Write(Encoding.ASCII.GetBytes(piece));
            expected.Append(piece);
        }

        Assert.Equal(expected.ToString()[^10..], buffer.ToText());
        Assert.True(buffer.Truncated);
        Assert.Equal(expected.Length, buffer.TotalBytes);
    }

    [Fact]
    public void One_write_larger_than_the_capacity_keeps_its_end()
    {
        var buffer = new TailBuffer(4);
        buffer.Write("ab"u8);
        buffer.Write("0123456789"u8);

        Assert.Equal("6789", buffer.ToText());
    }

    [Fact]
    public void A_multi_byte_character_cut_at_the_start_is_dropped_not_garbled()
    {
        var buffer = new TailBuffer(4);
        buffer.Write(Encoding.UTF8.GetBytes("x€ab")); // € is three bytes; the last four start with its last two

        Assert.Equal("ab", buffer.ToText());
    }

    [Fact]
    public void It_grows_from_small_to_its_capacity_without_losing_order()
    {
        var buffer = new TailBuffer(100_000);
        var data = Enumerable.Range(0, 150_000).Select(i => (byte)('a' + i % 26)).ToArray();
        foreach (var chunk in data.Chunk(777))
        {
            buffer.Write(chunk);
        }

        Assert.Equal(Encoding.ASCII.GetString(data, 50_000, 100_000), buffer.ToText());
    }
}

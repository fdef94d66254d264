using System.Text;
using Deror.Agent.Execution;

namespace Deror.Agent.Tests;

public sealed class BoundedOutputTests
{
    [Fact]
    public void Keeps_everything_below_the_capacity_across_many_small_writes()
    {
        var output = new BoundedOutput(4096);
        var expected = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            var line = $"line {i}\n";
            output.Append(Encoding.UTF8.GetBytes(line));
            expected.Append(line);
        }
        Assert.Equal(expected.ToString(), output.GetText());
        Assert.False(output.Truncated);
    }

    [Fact]
    public void Keeps_the_newest_capacity_bytes_once_the_output_outgrows_it()
    {
        var output = new BoundedOutput(1000);
        var all = new StringBuilder();
        for (var i = 0; i < 500; i++)
        {
            var line = $"{i:D5}\n";
            output.Append(Encoding.UTF8.GetBytes(line));
            all.Append(line);
        }
        Assert.True(output.Truncated);
        Assert.Equal(3000, output.TotalBytes);
        Assert.Equal($"[output truncated: 2000 earlier bytes dropped]\n{all.ToString()[^1000..]}", output.GetText());
    }

    [Fact]
    public void A_single_write_larger_than_the_capacity_keeps_its_end()
    {
        var output = new BoundedOutput(100);
        output.Append("start\n"u8);
        var big = string.Concat(Enumerable.Range(0, 100).Select(i => $"{i:D3}"));
        output.Append(Encoding.UTF8.GetBytes(big));
        output.Append("!"u8);
        Assert.Equal($"[output truncated: 207 earlier bytes dropped]\n{(big + "!")[^100..]}", output.GetText());
    }
}

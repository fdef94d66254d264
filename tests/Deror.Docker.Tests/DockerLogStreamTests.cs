using System.Buffers.Binary;
using System.Text;

namespace Deror.Docker.Tests;

/// <summary>The engine's multiplexed log framing, read from bytes laid out as the engine writes them.</summary>
public sealed class DockerLogStreamTests
{
    [Fact]
    public async Task Frames_are_split_by_stream_whatever_their_sizes()
    {
        var large = new string('x', 100_000);
        using var stream = new MemoryStream([.. Frame(1, "out1\n"), .. Frame(2, "err1\n"), .. Frame(1, large), .. Frame(0, "stdin is dropped"), .. Frame(2, "err2\n")]);
        var stdout = new TailBuffer(1 << 20);
        var stderr = new TailBuffer(1 << 20);

        await DockerLogStream.ReadAsync(stream, stdout, stderr, CancellationToken.None);

        Assert.Equal("out1\n" + large, stdout.ToText());
        Assert.Equal("err1\nerr2\n", stderr.ToText());
    }

    [Fact]
    public async Task A_stream_cut_inside_a_frame_is_an_error()
    {
        var frame = Frame(1, "hello");
        using var stream = new MemoryStream(frame[..^2]);

        await Assert.ThrowsAsync<DockerException>(() => DockerLogStream.ReadAsync(stream, new TailBuffer(64), new TailBuffer(64), CancellationToken.None));
    }

    [Fact]
    public async Task Raw_output_of_a_tty_container_is_refused_with_the_reason()
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes("hello from a tty\n"));

        var error = await Assert.ThrowsAsync<DockerException>(() => DockerLogStream.ReadAsync(stream, new TailBuffer(64), new TailBuffer(64), CancellationToken.None));

        Assert.Contains("TTY", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Frame(byte streamType, string payload)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        var frame = new byte[8 + body.Length];
        frame[0] = streamType;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)body.Length);
        body.CopyTo(frame, 8);
        return frame;
    }
}

using System.Text;

namespace Deror.Agent.Execution;

/// <summary>
/// Keeps the last <c>capacity</c> bytes of a task's output (stdout and stderr interleaved as they arrive), so a
/// chatty task cannot fill the silo's memory; older bytes are dropped and <see cref="Truncated"/> says so.
/// </summary>
public sealed class BoundedOutput(int capacity)
{
    private readonly byte[] _buffer = new byte[capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity))];
    private readonly Lock _lock = new();
    private long _total;

    /// <summary>Also receives everything appended, as it arrives (live output of a running task).</summary>
    public ILiveOutput? Live { get; init; }

    /// <summary>How many bytes were written in all.</summary>
    public long TotalBytes
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    public bool Truncated => TotalBytes > _buffer.Length;

    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (data.Length > _buffer.Length)
            {
                _total += data.Length - _buffer.Length;
                data = data[^_buffer.Length..];
            }
            var at = (int)(_total % _buffer.Length);
            var first = Math.Min(data.Length, _buffer.Length - at);
            data[..first].CopyTo(_buffer.AsSpan(at));
            data[first..].CopyTo(_buffer);
            _total += data.Length;
            // Under the lock, so the live copy sees the bytes in the same order as the kept output.
            Live?.Write(data);
        }
    }

    /// <summary>The kept output as text, preceded by a note when older output was dropped.</summary>
    public string GetText()
    {
        lock (_lock)
        {
            if (_total <= _buffer.Length)
            {
                return Encoding.UTF8.GetString(_buffer, 0, (int)_total);
            }
            var at = (int)(_total % _buffer.Length);
            var ordered = new byte[_buffer.Length];
            _buffer.AsSpan(at).CopyTo(ordered);
            _buffer.AsSpan(0, at).CopyTo(ordered.AsSpan(_buffer.Length - at));
            return $"[output truncated: {_total - _buffer.Length} earlier bytes dropped]\n" + Encoding.UTF8.GetString(ordered);
        }
    }

    /// <summary>Copies <paramref name="stream"/> into this buffer until it ends.</summary>
    public async Task PumpAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Append(chunk.AsSpan(0, read));
        }
    }
}

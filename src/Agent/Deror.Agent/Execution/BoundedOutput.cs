using System.Text;

namespace Deror.Agent.Execution;

/// <summary>
/// Keeps the last <c>capacity</c> bytes of a task's output (stdout and stderr interleaved as they arrive), so a
/// chatty task cannot fill the silo's memory; older bytes are dropped and <see cref="Truncated"/> says so.
/// The buffer grows with the output up to <c>capacity</c>: most tasks print little, and a burst of thousands of
/// them must not allocate the whole capacity each.
/// </summary>
public sealed class BoundedOutput(int capacity)
{
    private const int InitialSize = 256;

    private readonly int _capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));
    private readonly Lock _lock = new();
    private byte[] _buffer = [];
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

    public bool Truncated => TotalBytes > _capacity;

    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (data.Length > _capacity)
            {
                _total += data.Length - _capacity;
                data = data[^_capacity..];
            }
            Grow(Math.Min(_total + data.Length, _capacity));
            // Below capacity nothing has wrapped yet, so this writes at the end of what is kept.
            var at = (int)(_total % _capacity);
            var first = Math.Min(data.Length, _capacity - at);
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
            if (_total <= _capacity)
            {
                return Encoding.UTF8.GetString(_buffer, 0, (int)_total);
            }
            var at = (int)(_total % _capacity);
            var ordered = new byte[_capacity];
            _buffer.AsSpan(at).CopyTo(ordered);
            _buffer.AsSpan(0, at).CopyTo(ordered.AsSpan(_capacity - at));
            return $"[output truncated: {_total - _capacity} earlier bytes dropped]\n" + Encoding.UTF8.GetString(ordered);
        }
    }

    /// <summary>Makes room for <paramref name="size"/> bytes (at most the capacity), doubling, keeping what is written.</summary>
    private void Grow(long size)
    {
        if (size <= _buffer.Length)
        {
            return;
        }
        var grown = new byte[(int)Math.Min(_capacity, Math.Max(size, Math.Max(InitialSize, 2L * _buffer.Length)))];
        _buffer.AsSpan(0, (int)Math.Min(_total, _buffer.Length)).CopyTo(grown);
        _buffer = grown;
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

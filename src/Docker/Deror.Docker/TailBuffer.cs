using System.Text;

namespace Deror.Docker;

/// <summary>
/// Keeps the last <c>capacity</c> bytes written to it, growing on demand up to that size, so capturing a stream that
/// prints little costs little and one that prints gigabytes costs no more than the capacity.
/// </summary>
internal sealed class TailBuffer
{
    private readonly int _capacity;
    private byte[] _buffer = [];
    private int _start;
    private int _count;

    public TailBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>Every byte written, kept or not.</summary>
    public long TotalBytes { get; private set; }

    public bool Truncated => TotalBytes > _count;

    public void Write(ReadOnlySpan<byte> data)
    {
        TotalBytes += data.Length;
        if (data.Length > _capacity)
        {
            data = data[^_capacity..];
        }
        Grow(Math.Min(_capacity, _count + data.Length));
        var overflow = _count + data.Length - _capacity;
        if (overflow > 0)
        {
            // Only a buffer at full capacity overflows, so the ring arithmetic below is modulo its length.
            _start = (_start + overflow) % _capacity;
            _count -= overflow;
        }
        var end = (_start + _count) % _buffer.Length;
        var first = Math.Min(data.Length, _buffer.Length - end);
        data[..first].CopyTo(_buffer.AsSpan(end));
        data[first..].CopyTo(_buffer);
        _count += data.Length;
    }

    /// <summary>The kept bytes as UTF-8 text; a cut through a multi-byte character at the start is dropped.</summary>
    public string ToText()
    {
        var bytes = new byte[_count];
        var first = Math.Min(_count, _buffer.Length - _start);
        _buffer.AsSpan(_start, first).CopyTo(bytes);
        _buffer.AsSpan(0, _count - first).CopyTo(bytes.AsSpan(first));
        var skip = 0;
        if (Truncated)
        {
            while (skip < Math.Min(3, bytes.Length) && (bytes[skip] & 0b1100_0000) == 0b1000_0000)
            {
                skip++;
            }
        }
        return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
    }

    private void Grow(int needed)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }
        // The buffer has not wrapped yet (it wraps only at full capacity), so its bytes start at index 0.
        var grown = new byte[Math.Min(_capacity, Math.Max(needed, Math.Max(4096, _buffer.Length * 2)))];
        _buffer.AsSpan(0, _count).CopyTo(grown);
        _buffer = grown;
    }
}

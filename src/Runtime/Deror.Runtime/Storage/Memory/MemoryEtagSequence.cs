using System.Globalization;

namespace Deror.Runtime.Storage;

/// <summary>
/// Etags for one in-memory store: a counter that never repeats, so a record that is deleted and created again
/// never gets an etag an old writer still holds (no ABA on clear/remove).
/// </summary>
internal sealed class MemoryEtagSequence
{
    private long _last;

    public string Next() => Interlocked.Increment(ref _last).ToString(CultureInfo.InvariantCulture);
}

namespace Deror.Runtime.Ring;

/// <summary>
/// Which part of the grain-hash ring this silo is responsible for, for reminders and durable jobs. With one
/// silo it is the whole ring; with membership, each silo owns the ranges that hash to it.
/// </summary>
public interface IRangeOwnership
{
    /// <summary>Ranges as (begin, end] pairs, see <see cref="RingRange"/>.</summary>
    IReadOnlyList<(uint Begin, uint End)> GetMyRanges();

    bool Owns(uint hash);

    /// <summary>Raised when this silo's ranges change (a silo joined or died).</summary>
    event Action? RangesChanged;
}

/// <summary>A lone silo owns the whole ring.</summary>
internal sealed class WholeRingOwnership : IRangeOwnership
{
    private static readonly (uint, uint)[] WholeRing = [(0u, 0u)];

    public IReadOnlyList<(uint Begin, uint End)> GetMyRanges() => WholeRing;

    public bool Owns(uint hash) => true;

#pragma warning disable CS0067 // The whole ring never changes hands.
    public event Action? RangesChanged;
#pragma warning restore CS0067
}

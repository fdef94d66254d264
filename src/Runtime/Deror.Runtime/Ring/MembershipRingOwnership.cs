using Deror.Runtime.Membership;
using Deror.Runtime.Messaging;

namespace Deror.Runtime.Ring;

/// <summary>
/// Splits the grain-hash ring among the active silos, 30 virtual buckets each (as Orleans does for reminders), so
/// every hash has exactly one owner in a given membership view. When a silo dies or joins, the ranges move and
/// the reminder and job services reload.
/// </summary>
internal sealed class MembershipRingOwnership : IRangeOwnership
{
    private const int BucketsPerSilo = 30;

    private readonly ClusterMembershipView _membership;
    private readonly SiloAddress _me;
    private volatile Ring _ring;

    public MembershipRingOwnership(ClusterMembershipView membership, ILocalSiloDetails silo)
    {
        _membership = membership;
        _me = silo.SiloAddress;
        _ring = Ring.Build([], _me);
        membership.Changed += _ => Rebuild();
        Rebuild();
    }

    public event Action? RangesChanged;

    public IReadOnlyList<(uint Begin, uint End)> GetMyRanges() => _ring.MyRanges;

    public bool Owns(uint hash) => _ring.Owns(hash);

    private void Rebuild()
    {
        var next = Ring.Build(_membership.ActiveSilos.Select(e => e.SiloAddress).ToArray(), _me);
        var previous = _ring;
        _ring = next;
        if (!previous.MyRanges.SequenceEqual(next.MyRanges))
        {
            RangesChanged?.Invoke();
        }
    }

    private sealed class Ring
    {
        private readonly uint[] _points;
        private readonly bool[] _mine;

        private Ring(uint[] points, bool[] mine, IReadOnlyList<(uint, uint)> myRanges)
        {
            _points = points;
            _mine = mine;
            MyRanges = myRanges;
        }

        public IReadOnlyList<(uint Begin, uint End)> MyRanges { get; }

        /// <summary>
        /// Point i owns (point i-1, point i]. A silo not (yet) in the view owns nothing, unless the view is empty:
        /// then this silo is alone and owns everything.
        /// </summary>
        public static Ring Build(IReadOnlyList<SiloAddress> silos, SiloAddress me)
        {
            if (silos.Count == 0)
            {
                return new Ring([], [], [(0u, 0u)]);
            }
            var points = silos
                .SelectMany(s => Enumerable.Range(0, BucketsPerSilo).Select(i => (Hash: StableHash.Compute($"{s}#{i}"), Silo: s)))
                .OrderBy(p => p.Hash)
                .ThenBy(p => p.Silo.ToString(), StringComparer.Ordinal)
                // Two equal points would make a range (h, h], which means the whole ring: keep one.
                .DistinctBy(p => p.Hash)
                .ToArray();
            var hashes = points.Select(p => p.Hash).ToArray();
            var mine = points.Select(p => p.Silo.Equals(me)).ToArray();
            var ranges = new List<(uint, uint)>();
            for (var i = 0; i < points.Length; i++)
            {
                if (mine[i])
                {
                    var begin = points[(i - 1 + points.Length) % points.Length].Hash;
                    ranges.Add((begin, points[i].Hash));
                }
            }
            return new Ring(hashes, mine, points.Length == 1 ? (mine[0] ? [(0u, 0u)] : []) : ranges);
        }

        public bool Owns(uint hash)
        {
            if (_points.Length == 0)
            {
                return true;
            }
            var index = Array.BinarySearch(_points, hash);
            if (index < 0)
            {
                index = ~index;
            }
            return _mine[index == _points.Length ? 0 : index];
        }
    }
}

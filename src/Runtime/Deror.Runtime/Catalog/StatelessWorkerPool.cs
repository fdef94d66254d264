namespace Deror.Runtime.Catalog;

/// <summary>
/// The local activations of one stateless-worker grain: a call goes to an idle worker, or to a new one while the
/// pool is below its limit, or else to the least busy.
/// </summary>
internal sealed class StatelessWorkerPool(int maxWorkers)
{
    private readonly List<ActivationData> _workers = [];

    public int Count
    {
        get
        {
            lock (_workers)
            {
                return _workers.Count;
            }
        }
    }

    public IReadOnlyList<ActivationData> Workers
    {
        get
        {
            lock (_workers)
            {
                return [.. _workers];
            }
        }
    }

    public ActivationData Choose(Func<ActivationData> create, out bool isNew)
    {
        lock (_workers)
        {
            ActivationData? leastBusy = null;
            var leastLoad = int.MaxValue;
            foreach (var worker in _workers)
            {
                var load = worker.Load;
                if (load < leastLoad)
                {
                    (leastBusy, leastLoad) = (worker, load);
                }
            }
            isNew = leastBusy is null || (leastLoad > 0 && _workers.Count < maxWorkers);
            if (!isNew)
            {
                return leastBusy!;
            }
            var created = create();
            _workers.Add(created);
            return created;
        }
    }

    public void Remove(ActivationData worker)
    {
        lock (_workers)
        {
            _workers.Remove(worker);
        }
    }
}

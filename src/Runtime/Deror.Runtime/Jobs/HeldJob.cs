namespace Deror.Runtime.Jobs;

/// <summary>
/// A job this silo has read ahead and holds in memory until it has run and its completion is stored. Its fields
/// change only under the <see cref="DurableJobService"/>'s lock.
/// </summary>
internal sealed class HeldJob(DurableJobEntry entry)
{
    public DurableJobEntry Entry { get; set; } = entry;

    /// <summary>Let go while still waiting (cancelled or handed over): the dispatcher skips it.</summary>
    public bool Dropped { get; set; }

    /// <summary>Taken by the dispatcher: from now on it runs, and only its run lets go of it.</summary>
    public bool Dispatched { get; set; }
}

namespace Deror;

/// <summary>A timer owned by one activation. Disposing it stops further ticks.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes the schedule; the next tick comes after <paramref name="dueTime"/>.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>Options for <see cref="Grain.RegisterGrainTimer(Func{CancellationToken, Task}, GrainTimerCreationOptions)"/>.</summary>
public readonly record struct GrainTimerCreationOptions(TimeSpan DueTime, TimeSpan Period)
{
    /// <summary>Let other requests run while the callback awaits (default false: the tick is a normal turn).</summary>
    public bool Interleave { get; init; }

    /// <summary>Whether a tick counts as activity for idle collection (default false, as in Orleans).</summary>
    public bool KeepAlive { get; init; }
}

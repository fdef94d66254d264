namespace Deror.Exo.Simulator.Faults;

/// <summary>The failures injected into this node through <c>/_sim/control</c>. Read on every request, hence volatile.</summary>
internal sealed class FaultState
{
    private volatile bool _hang;
    private long _delayTicks;
    private volatile int _errorStatus;

    /// <summary>Every request (API and peer protocol) is accepted and never answered.</summary>
    public bool Hang
    {
        get => _hang;
        set => _hang = value;
    }

    /// <summary>Added before every API response.</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    /// <summary>When non-zero, every API request fails with this status in Exo's error shape.</summary>
    public int ErrorStatus
    {
        get => _errorStatus;
        set => _errorStatus = value;
    }

    public void Clear()
    {
        Hang = false;
        Delay = TimeSpan.Zero;
        ErrorStatus = 0;
    }

    public FaultSnapshot Snapshot() => new(Hang, (int)Delay.TotalMilliseconds, ErrorStatus);
}

public sealed record FaultSnapshot(bool Hang, int DelayMs, int ErrorStatus);

namespace Deror.Agent.Supervision;

/// <summary>
/// Delays between restarts: <c>initial</c>, doubling for each failure in a row up to <c>max</c>; a process that ran
/// at least <c>stableAfter</c> before failing starts the sequence over.
/// </summary>
internal sealed class RestartBackoff(TimeSpan initial, TimeSpan max, TimeSpan stableAfter)
{
    private TimeSpan? _last;

    /// <summary>The delay before the next start, given how long the process that just failed had run.</summary>
    public TimeSpan Next(TimeSpan uptime)
    {
        _last = _last is not { } last || uptime >= stableAfter ? initial : TimeSpan.FromTicks(Math.Min(max.Ticks, last.Ticks * 2));
        return _last.Value;
    }
}

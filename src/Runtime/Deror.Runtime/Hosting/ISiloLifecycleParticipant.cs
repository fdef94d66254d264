namespace Deror.Hosting;

/// <summary>
/// A silo component that starts after the core runtime and stops before it (gateway, reminders, jobs,
/// collector). Participants start in ascending <see cref="Stage"/> and stop in reverse.
/// </summary>
public interface ISiloLifecycleParticipant
{
    int Stage { get; }

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>Well-known stages, as in Orleans's ServiceLifecycleStage.</summary>
public static class SiloLifecycleStage
{
    public const int RuntimeServices = 2000;
    public const int ApplicationServices = 5000;
    public const int Gateway = 8000;
}

namespace Deror;

/// <summary>
/// What the runtime gives one activation: its identity, services, and control over its own lifetime.
/// Grains reach it through <see cref="Grain.GrainContext"/>.
/// </summary>
public interface IGrainContext : IGrainIdentity
{
    ActivationId ActivationId { get; }

    /// <summary>The silo this activation lives on.</summary>
    SiloAddress Address { get; }

    object? GrainInstance { get; }

    IGrainFactory GrainFactory { get; }

    IServiceProvider ActivationServices { get; }

    /// <summary>Deactivate once the current request (if any) completes.</summary>
    void Deactivate(DeactivationReason reason);

    /// <summary>Keep the activation from idle collection for at least <paramref name="timeSpan"/>.</summary>
    void DelayDeactivation(TimeSpan timeSpan);

    /// <summary>
    /// Starts a timer whose callback runs as a turn of this activation (respecting its concurrency rules).
    /// The next tick is scheduled after the callback finishes.
    /// </summary>
    IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options);
}

/// <summary>Why an activation is being deactivated.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Text)
{
    public override string ToString() => $"{Code}: {Text}";
}

public enum DeactivationReasonCode
{
    None,
    ApplicationRequested,
    ActivationIdle,
    ShuttingDown,
    ActivationFailed,
    ApplicationError,
    InconsistentState,
    DuplicateActivation,
}

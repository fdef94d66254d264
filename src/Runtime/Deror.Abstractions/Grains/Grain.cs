namespace Deror;

/// <summary>
/// Base class for grain implementations. The runtime creates grains (with constructor injection from the
/// silo's services) and calls <see cref="OnActivateAsync"/> before the first request and
/// <see cref="OnDeactivateAsync"/> when the activation is collected or asks to be deactivated.
/// </summary>
public abstract class Grain : IGrainIdentity
{
    protected Grain()
    {
        GrainContext = GrainContextScope.Current
            ?? throw new InvalidOperationException($"{GetType().Name} must be created by the Deror runtime, not with 'new'.");
    }

    /// <summary>For tests and custom activators that supply the context explicitly.</summary>
    protected Grain(IGrainContext grainContext)
    {
        GrainContext = grainContext;
    }

    public IGrainContext GrainContext { get; }

    public GrainId GrainId => GrainContext.GrainId;

    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    protected IServiceProvider ServiceProvider => GrainContext.ActivationServices;

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivate this activation once the current request completes; the next call creates a fresh one.</summary>
    protected void DeactivateOnIdle() => GrainContext.Deactivate(new(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));

    protected void DelayDeactivation(TimeSpan timeSpan) => GrainContext.DelayDeactivation(timeSpan);

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
        => GrainContext.RegisterTimer(callback, options);

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
        => GrainContext.RegisterTimer(callback, new GrainTimerCreationOptions(dueTime, period));
}

/// <summary>Carries the context of the activation being constructed to the <see cref="Grain"/> constructor.</summary>
public static class GrainContextScope
{
    [ThreadStatic]
    private static IGrainContext? _current;

    public static IGrainContext? Current => _current;

    /// <summary>Used by the runtime's activator around the grain constructor call.</summary>
    public static Scope Enter(IGrainContext context)
    {
        var previous = _current;
        _current = context;
        return new Scope(previous);
    }

    public readonly struct Scope(IGrainContext? previous) : IDisposable
    {
        public void Dispose() => _current = previous;
    }
}

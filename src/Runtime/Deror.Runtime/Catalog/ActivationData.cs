using System.Diagnostics;
using Deror.Invocation;
using Deror.Messaging;
using Deror.Runtime.Membership;
using Deror.Runtime.Persistence;
using Deror.Runtime.Scheduling;
using Deror.Runtime.Timers;
using Deror.Telemetry;
using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Catalog;

/// <summary>
/// One activation of a grain: its instance, its queue of requests and the turn-based rules that decide which
/// may run. A request runs to completion (across awaits) before the next starts, unless the grain is
/// [Reentrant], the request is [AlwaysInterleave], or both it and everything running are [ReadOnly].
/// </summary>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly GrainRuntime _runtime;
    private readonly ActivationTaskScheduler _scheduler;
    private readonly Action<object?> _invoke;
    private readonly object _lock = new();
    private readonly List<Message> _waiting = [];
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private int _blocking;
    private int _blockingWriters;
    // Kept with _waiting so a scan behind a blocked head can stop early (see StartRunnableRequests).
    private int _waitingInterleaving;
    private long _waitingExpiryLowerBound = long.MaxValue;
    private DeactivationReason? _deactivationReason;
    private GrainAddress? _registration;
    private long _lastActivity;
    private long _keepAliveUntil;

    public ActivationData(GrainId grainId, GrainClassInfo grainClass, GrainRuntime runtime)
    {
        GrainId = grainId;
        GrainClass = grainClass;
        _runtime = runtime;
        _scheduler = new ActivationTaskScheduler(this);
        _invoke = message => _ = InvokeAsync((Message)message!);
        _lastActivity = runtime.Clock.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public ActivationId ActivationId { get; } = ActivationId.NewId();

    public SiloAddress Address => _runtime.SiloAddress;

    public object? GrainInstance { get; private set; }

    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    public IServiceProvider ActivationServices => _runtime.Services;

    public GrainClassInfo GrainClass { get; }

    public ActivationState State { get; private set; } = ActivationState.Creating;

    /// <summary>Completes when the activation has been deactivated and removed from the catalog.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>Requests running or waiting here: how busy this activation is, for choosing among stateless workers.</summary>
    public int Load
    {
        get
        {
            lock (_lock)
            {
                return _running + _waiting.Count;
            }
        }
    }

    public int WaitingCount
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Starts activation (construct, load state, OnActivateAsync) on the activation's own scheduler.</summary>
    public void Activate() => _scheduler.Run(_ => _ = ActivateAsync(), null);

    /// <summary>Queues a message; false if this activation is gone and the message must be routed elsewhere.</summary>
    public bool TryEnqueue(Message message)
    {
        lock (_lock)
        {
            if (State == ActivationState.Invalid)
            {
                return false;
            }
            AddWaiting(message);
            StartRunnableRequests();
            return true;
        }
    }

    public void Deactivate(DeactivationReason reason)
    {
        lock (_lock)
        {
            if (_deactivationReason is not null || State is ActivationState.Deactivating or ActivationState.Invalid)
            {
                return;
            }
            _deactivationReason = reason;
            if (State == ActivationState.Valid && _running == 0)
            {
                StartDeactivation();
            }
        }
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        var until = _runtime.Clock.GetTimestamp() + (long)(timeSpan.TotalSeconds * _runtime.Clock.TimestampFrequency);
        Interlocked.Exchange(ref _keepAliveUntil, Math.Max(Volatile.Read(ref _keepAliveUntil), until));
    }

    public IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_lock)
        {
            if (State is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"{GrainId} is deactivating and cannot start timers.");
            }
            var timer = new GrainTimer(this, callback, options, _runtime.Clock, _runtime.TimerLogger);
            _timers.Add(timer);
            return timer;
        }
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    /// <summary>True when nothing runs or waits and the activation has been idle longer than its collection age.</summary>
    public bool IsIdleFor(TimeSpan collectionAge)
    {
        var now = _runtime.Clock.GetTimestamp();
        lock (_lock)
        {
            return State == ActivationState.Valid
                && _running == 0
                && _waiting.Count == 0
                && now > Volatile.Read(ref _keepAliveUntil)
                && _runtime.Clock.GetElapsedTime(_lastActivity, now) >= collectionAge;
        }
    }

    public override string ToString() => $"[Activation {GrainId} {ActivationId}]";

    private async Task ActivateAsync()
    {
        lock (_lock)
        {
            State = ActivationState.Activating;
        }
        try
        {
            // Single activation: register in the cluster's directory before becoming valid; a loser hands its
            // messages to the winner and disappears without ever running grain code.
            if (_runtime.Locator.IsClustered && GrainId.Type != SiloControlGrain.GrainType && !GrainClass.IsStatelessWorker)
            {
                var address = new GrainAddress(GrainId, ActivationId, Address, _runtime.Membership.Version);
                var winner = await _runtime.Locator.RegisterAsync(address);
                if (!winner.Matches(address))
                {
                    ForwardTo(winner.SiloAddress);
                    return;
                }
                _registration = address;
            }
            var (grain, states) = _runtime.Activator.CreateInstance(this, GrainClass);
            GrainInstance = grain;
            using var timeout = new CancellationTokenSource(_runtime.CollectionOptions.DeactivationTimeout);
            foreach (var state in states)
            {
                await state.LoadAsync(timeout.Token);
            }
            if (grain is Grain g)
            {
                await g.OnActivateAsync(timeout.Token);
            }
        }
        catch (Exception e)
        {
            LogActivationFailed(_runtime.Logger, e, GrainId);
            FailActivation(e);
            return;
        }
        lock (_lock)
        {
            State = ActivationState.Valid;
            if (_deactivationReason is not null)
            {
                StartDeactivation();
                return;
            }
            StartRunnableRequests();
        }
    }

    private void ForwardTo(SiloAddress winner)
    {
        Message[] waiting;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            waiting = [.. _waiting];
            ClearWaiting();
        }
        _runtime.Catalog.OnDeactivated(this);
        _deactivated.TrySetResult();
        LogLostRegistration(_runtime.Logger, GrainId, winner);
        foreach (var message in waiting)
        {
            _runtime.MessageCenter.Forward(message, winner);
        }
    }

    private void FailActivation(Exception exception)
    {
        Message[] waiting;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            waiting = [.. _waiting];
            ClearWaiting();
        }
        _runtime.Catalog.OnDeactivated(this);
        _deactivated.TrySetResult();
        var rejection = new DerorException($"Activation of {GrainId} failed: {exception.Message}", exception);
        foreach (var message in waiting)
        {
            _runtime.MessageCenter.Reject(message, rejection);
        }
    }

    // Called with _lock held.
    private void StartRunnableRequests()
    {
        if (State != ActivationState.Valid || _deactivationReason is not null)
        {
            return;
        }
        var headBlocked = false;
        var now = _runtime.Clock.GetUtcNow().UtcTicks;
        var earliestExpiry = long.MaxValue;
        for (var i = 0; i < _waiting.Count;)
        {
            // Behind a blocked head only [AlwaysInterleave] messages may run and only expired ones are dropped; when
            // there are neither, the rest of the scan would change nothing. Without this, every enqueue and every
            // completion rescanned the whole queue: quadratic in the number of waiting requests.
            if (headBlocked && _waitingInterleaving == 0 && now <= _waitingExpiryLowerBound)
            {
                return;
            }
            var message = _waiting[i];
            if (message.IsExpired(now))
            {
                RemoveWaitingAt(i);
                LogExpiredDropped(_runtime.Logger, message.ToString(), GrainId);
                continue;
            }
            var interleaves = (message.Flags & InvokeMethodFlags.AlwaysInterleave) != 0;
            // FIFO: once the head must wait, only [AlwaysInterleave] messages may pass it.
            if (headBlocked ? !interleaves : !MayRun(message, interleaves))
            {
                headBlocked = true;
                earliestExpiry = Math.Min(earliestExpiry, ExpiryOf(message));
                i++;
                continue;
            }
            RemoveWaitingAt(i);
            _running++;
            if (!interleaves)
            {
                _blocking++;
                if ((message.Flags & InvokeMethodFlags.ReadOnly) == 0)
                {
                    _blockingWriters++;
                }
            }
            _scheduler.Run(_invoke, message);
        }
        // A full scan: the bound becomes exact again. An early return leaves the old one, still a lower bound.
        _waitingExpiryLowerBound = earliestExpiry;
    }

    // Called with _lock held.
    private void AddWaiting(Message message)
    {
        _waiting.Add(message);
        if ((message.Flags & InvokeMethodFlags.AlwaysInterleave) != 0)
        {
            _waitingInterleaving++;
        }
        _waitingExpiryLowerBound = Math.Min(_waitingExpiryLowerBound, ExpiryOf(message));
    }

    // Called with _lock held.
    private void RemoveWaitingAt(int index)
    {
        if ((_waiting[index].Flags & InvokeMethodFlags.AlwaysInterleave) != 0)
        {
            _waitingInterleaving--;
        }
        _waiting.RemoveAt(index);
    }

    // Called with _lock held.
    private void ClearWaiting()
    {
        _waiting.Clear();
        _waitingInterleaving = 0;
        _waitingExpiryLowerBound = long.MaxValue;
    }

    /// <summary>The last tick at which <see cref="Message.IsExpired"/> is still false.</summary>
    private static long ExpiryOf(Message message) => message.ExpiresAtUtcTicks == 0 ? long.MaxValue : message.ExpiresAtUtcTicks;

    private bool MayRun(Message message, bool interleaves)
        => _blocking == 0
        || interleaves
        || GrainClass.IsReentrant
        || ((message.Flags & InvokeMethodFlags.ReadOnly) != 0 && _blockingWriters == 0);

    private async Task InvokeAsync(Message message)
    {
        var request = message.Request!;
        using var activity = message.Request is TimerTickRequest
            ? null
            : DerorTelemetry.ActivitySource.StartActivity(request.Descriptor.FullName, ActivityKind.Server, message.TraceParent);
        activity?.SetTag("deror.grain", GrainId.ToString());
        Message? response = null;
        try
        {
            if (DerorTelemetry.CallsInvoked.Enabled)
            {
                DerorTelemetry.CallsInvoked.Add(1, DerorTelemetry.MethodTag(request.Descriptor.FullName));
            }
            var result = await request.InvokeAsync(GrainInstance!);
            if (message.Direction == MessageDirection.Request)
            {
                response = message.CreateResponse(ResponseStatus.Success);
                response.Request = request;
                response.Result = result;
            }
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (message.Direction == MessageDirection.Request)
            {
                response = message.CreateResponse(ResponseStatus.Error);
                response.Exception = e;
            }
            else
            {
                LogOneWayFailed(_runtime.Logger, e, request.ToString(), GrainId);
            }
            if (e is InconsistentStateException)
            {
                // The state in memory is stale; a fresh activation will reload it.
                Deactivate(new(DeactivationReasonCode.InconsistentState, e.Message));
            }
        }
        OnRequestCompleted(message);
        if (response is not null)
        {
            _runtime.MessageCenter.SendResponse(response);
        }
    }

    private void OnRequestCompleted(Message message)
    {
        lock (_lock)
        {
            _running--;
            if ((message.Flags & InvokeMethodFlags.AlwaysInterleave) == 0)
            {
                _blocking--;
                if ((message.Flags & InvokeMethodFlags.ReadOnly) == 0)
                {
                    _blockingWriters--;
                }
            }
            if (message.Request is not TimerTickRequest { KeepAlive: false })
            {
                _lastActivity = _runtime.Clock.GetTimestamp();
            }
            if (_deactivationReason is not null)
            {
                if (_running == 0 && State == ActivationState.Valid)
                {
                    StartDeactivation();
                }
                return;
            }
            StartRunnableRequests();
        }
    }

    // Called with _lock held.
    private void StartDeactivation()
    {
        State = ActivationState.Deactivating;
        _scheduler.Run(_ => _ = DeactivateAsync(), null);
    }

    private async Task DeactivateAsync()
    {
        var reason = _deactivationReason ?? new(DeactivationReasonCode.None, "unknown");
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
        }
        foreach (var timer in timers)
        {
            timer.Dispose();
        }
        try
        {
            if (GrainInstance is Grain grain)
            {
                using var timeout = new CancellationTokenSource(_runtime.CollectionOptions.DeactivationTimeout);
                await grain.OnDeactivateAsync(reason, timeout.Token);
            }
        }
        catch (Exception e)
        {
            LogDeactivationFailed(_runtime.Logger, e, GrainId);
        }
        if (_registration is { } registration)
        {
            await _runtime.Locator.UnregisterAsync(registration);
        }
        Message[] leftovers;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            leftovers = [.. _waiting];
            ClearWaiting();
        }
        _runtime.Catalog.OnDeactivated(this);
        LogDeactivated(_runtime.Logger, GrainId, reason.ToString());
        _deactivated.TrySetResult();
        // Requests that arrived while deactivating go to a fresh activation.
        foreach (var message in leftovers)
        {
            _runtime.Catalog.ReceiveMessage(message);
        }
    }

    internal void EnqueueTimerTick(TimerTickRequest tick)
    {
        TryEnqueue(new Message
        {
            Direction = MessageDirection.OneWay,
            TargetGrain = GrainId,
            Flags = tick.Descriptor.Flags,
            Request = tick,
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainId} is already active on {Winner}; forwarding its requests there")]
    private static partial void LogLostRegistration(ILogger logger, GrainId grainId, SiloAddress winner);

    [LoggerMessage(Level = LogLevel.Error, Message = "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deactivated {GrainId}: {Reason}")]
    private static partial void LogDeactivated(ILogger logger, GrainId grainId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped expired request {Request} for {GrainId}: its caller has already timed out")]
    private static partial void LogExpiredDropped(ILogger logger, string request, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "One-way call {Request} on {GrainId} failed")]
    private static partial void LogOneWayFailed(ILogger logger, Exception exception, string request, GrainId grainId);
}

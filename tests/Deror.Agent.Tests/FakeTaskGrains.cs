using System.Collections.Concurrent;
using Deror.Grains;

namespace Deror.Agent.Tests;

/// <summary>
/// Task grains that record what the reconciler reports, for unit tests of the reconcile logic only (the agent's
/// end-to-end tests use the real grains in a real silo).
/// </summary>
internal sealed class FakeTaskGrains : IGrainFactory
{
    public ConcurrentDictionary<string, FakeTaskGrain> Tasks { get; } = new(StringComparer.Ordinal);

    /// <summary>Calls fail this many times before one succeeds, as through a silo hiccup.</summary>
    public int FailuresBeforeSuccess { get; set; }

    public FakeTaskGrain Task(string id) => Tasks.GetOrAdd(id, key => new FakeTaskGrain(key, this));

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey =>
        typeof(TGrainInterface) == typeof(ITaskGrain) ? (TGrainInterface)(object)Task(primaryKey) : throw new NotSupportedException(typeof(TGrainInterface).Name);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable => throw new NotSupportedException();

    public IAddressable GetGrain(Type grainInterface, GrainId grainId) => throw new NotSupportedException();

    internal void MaybeFail()
    {
        lock (this)
        {
            if (FailuresBeforeSuccess > 0)
            {
                FailuresBeforeSuccess--;
                throw new TimeoutException("silo hiccup");
            }
        }
    }
}

internal sealed class FakeTaskGrain(string id, FakeTaskGrains owner) : ITaskGrain
{
    private readonly TaskCompletionSource<TaskOutcome> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;

    /// <summary>What GetInfo returns (the state a previous silo left the task in).</summary>
    public TaskInfo Info { get; set; } = new() { Id = id, State = TaskState.Scheduled };

    public ConcurrentQueue<(string Node, int Attempt)> Started { get; } = new();

    public ConcurrentQueue<(int Attempt, TaskOutcome Outcome)> Finished { get; } = new();

    public ConcurrentQueue<(int Attempt, string Text)> Output { get; } = new();

    /// <summary>ReportStarted fails as the grain does for a task that was never accepted.</summary>
    public bool RejectStart { get; set; }

    public Task<TaskOutcome> FirstFinish => _finished.Task;

    public Task<TaskInfo> GetInfo()
    {
        owner.MaybeFail();
        return Task.FromResult(Info);
    }

    public Task ReportStarted(string node, int attempt)
    {
        owner.MaybeFail();
        if (RejectStart)
        {
            throw new TaskNotFoundException($"Task '{Id}' does not exist.");
        }
        Started.Enqueue((node, attempt));
        return Task.CompletedTask;
    }

    public Task ReportFinished(string node, int attempt, TaskOutcome outcome)
    {
        owner.MaybeFail();
        Finished.Enqueue((attempt, outcome));
        _finished.TrySetResult(outcome);
        return Task.CompletedTask;
    }

    public Task ReportOutput(int attempt, string text)
    {
        Output.Enqueue((attempt, text));
        return Task.CompletedTask;
    }

    public Task<TaskInfo> Submit(TaskSpec spec) => throw new NotSupportedException();

    public Task<TaskLogs> GetLogs() => throw new NotSupportedException();

    public Task<TaskInfo> WaitForEnd(TimeSpan maxWait) => throw new NotSupportedException();

    public Task<TaskInfo> Cancel(string reason) => throw new NotSupportedException();

    public Task NodeLost(string node, string reason) => throw new NotSupportedException();

    public Task Reschedule(string reason) => throw new NotSupportedException();
}

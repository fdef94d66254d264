namespace Deror.Agent.Posix;

/// <summary>A process the agent can signal and wait for: one it started, or one it adopted by PID.</summary>
public interface IProcessHandle
{
    int Pid { get; }

    /// <summary>Whether the process leads its own process group, so the group can be signalled without hitting anyone else.</summary>
    bool LeadsGroup { get; }

    /// <summary>Completes when the process has exited.</summary>
    Task Exited { get; }
}

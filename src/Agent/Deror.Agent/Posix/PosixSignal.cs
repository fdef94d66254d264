namespace Deror.Agent.Posix;

/// <summary>The Linux signal numbers the agent sends (<c>signal(7)</c>).</summary>
public enum PosixSignal
{
    Interrupt = 2,
    Kill = 9,
    Terminate = 15,
    Continue = 18,
    Stop = 19,
}

namespace Deror.Agent.Execution;

/// <summary>
/// Where an executor sends a running attempt's output as it appears (stdout and stderr interleaved, UTF-8), so
/// followers see it before the attempt ends. Best effort and bounded: the complete, final capture still comes with
/// the attempt's outcome. Called from any thread.
/// </summary>
public interface ILiveOutput
{
    void Write(ReadOnlySpan<byte> utf8);
}

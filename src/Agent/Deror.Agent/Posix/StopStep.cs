namespace Deror.Agent.Posix;

/// <summary>One step of a stop: send <see cref="Signal"/> (to the whole group or the leader only), then wait up to <see cref="Wait"/>.</summary>
public sealed record StopStep(PosixSignal Signal, bool WholeGroup, TimeSpan Wait);

namespace Deror.Benchmarks.Clustering;

/// <summary>
/// One kill of one silo: seconds from SIGKILL to its row reading Dead, and to the first (and last) successful call
/// to a grain that lived on it. Null when it did not happen within the round's deadline.
/// </summary>
public sealed record DetectionRound(int Round, int Slot, int VictimGrains, double? DeclaredDead, double? FirstGrainBack, double? AllGrainsBack);

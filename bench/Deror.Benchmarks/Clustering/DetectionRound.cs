namespace Deror.Benchmarks.Clustering;

/// <summary>
/// One kill of one silo: seconds from SIGKILL to its row reading Dead, and to the first (and last) successful call
/// to a grain that lived on it. Null when it did not happen within the round's deadline. Also how many call attempts
/// to those grains, started after the row read Dead, still hung until the attempt's cap.
/// </summary>
public sealed record DetectionRound(int Round, int Slot, int VictimGrains, double? DeclaredDead, double? FirstGrainBack, double? AllGrainsBack, int HungAfterDead);

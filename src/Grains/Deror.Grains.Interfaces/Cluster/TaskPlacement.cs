namespace Deror.Grains;

/// <summary>
/// What <see cref="IClusterGrain.Schedule"/> decided for a task: the node it was assigned to, or, when none could
/// take it now, what it waits for (<c>a Healthy node with room</c>, <c>a Healthy node that serves handler 'resize'</c>).
/// </summary>
public sealed record TaskPlacement(string? Node, string? WaitingFor);

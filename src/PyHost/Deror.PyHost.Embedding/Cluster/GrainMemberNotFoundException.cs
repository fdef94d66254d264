namespace Deror.PyHost.Cluster;

/// <summary>A grain interface or method named from Python does not exist (raised in Python as <c>deror.NotFoundError</c>).</summary>
public sealed class GrainMemberNotFoundException(string message) : Exception(message);

namespace Deror.Grains;

// The domain's errors. Each has a (string message) constructor, so it is recreated as the same type on the caller's
// side of the wire; the HTTP API maps them to 404 / 409 / 400.

/// <summary>No task with that id was ever submitted.</summary>
public sealed class TaskNotFoundException(string message) : Exception(message);

/// <summary>No node with that name is known to the cluster.</summary>
public sealed class NodeNotFoundException(string message) : Exception(message);

/// <summary>An operation is not allowed in the current state, which the message names.</summary>
public sealed class InvalidStateException(string message) : Exception(message);

/// <summary>A submitted task spec or policy is invalid; the message names the field.</summary>
public sealed class InvalidSpecException(string message) : Exception(message);

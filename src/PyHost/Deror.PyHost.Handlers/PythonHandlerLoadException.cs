namespace Deror.PyHost.Handlers;

/// <summary>A handler file named by <c>Deror:PyHost:Handlers</c> raised while it was imported; the message holds the traceback.</summary>
public sealed class PythonHandlerLoadException(string message) : Exception(message);

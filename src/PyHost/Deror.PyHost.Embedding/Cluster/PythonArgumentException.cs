namespace Deror.PyHost.Cluster;

/// <summary>Arguments from Python do not fit the .NET method (raised in Python as <c>TypeError</c>).</summary>
public sealed class PythonArgumentException(string message, Exception? innerException = null) : Exception(message, innerException);

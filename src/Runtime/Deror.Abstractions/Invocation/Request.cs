using Deror.Serialization;

namespace Deror.Invocation;

/// <summary>
/// One grain method call with its arguments. The source generator emits a sealed subclass per grain
/// interface method; the runtime never uses reflection to invoke grains.
/// </summary>
public abstract class Request
{
    /// <summary>Static facts about the method: interface, name, id, flags, timeout.</summary>
    public abstract RequestDescriptor Descriptor { get; }

    /// <summary>Calls the method on <paramref name="target"/> (the grain instance) and returns its result boxed (null for void).</summary>
    public abstract ValueTask<object?> InvokeAsync(object target);

    public abstract void WriteArguments(ICodec codec, CodecWriter writer);

    public abstract void ReadArguments(ICodec codec, ref CodecReader reader);

    /// <summary>Replaces every mutable argument with a deep copy, so a call inside one silo cannot share objects between grains.</summary>
    public abstract void CopyArguments(ICodec codec);

    public abstract void WriteResult(ICodec codec, CodecWriter writer, object? result);

    public abstract object? ReadResult(ICodec codec, ref CodecReader reader);

    public abstract object? CopyResult(ICodec codec, object? result);

    public override string ToString() => $"{Descriptor.InterfaceType.Name}.{Descriptor.MethodName}";
}

/// <summary>Facts about one grain method, shared by all its requests.</summary>
public sealed class RequestDescriptor(Type interfaceType, string methodName, uint methodId, InvokeMethodFlags flags, TimeSpan? responseTimeout)
{
    public Type InterfaceType { get; } = interfaceType;

    public string MethodName { get; } = methodName;

    /// <summary>Stable id of the method (a hash of the interface's full name and the method signature).</summary>
    public uint MethodId { get; } = methodId;

    public InvokeMethodFlags Flags { get; } = flags;

    /// <summary>Per-method response timeout, or null for the configured default.</summary>
    public TimeSpan? ResponseTimeout { get; } = responseTimeout;

    /// <summary>"Interface.Method", used in telemetry and error messages.</summary>
    public string FullName { get; } = $"{interfaceType.Name}.{methodName}";
}

[Flags]
public enum InvokeMethodFlags
{
    None = 0,
    OneWay = 1,
    ReadOnly = 2,
    AlwaysInterleave = 4,
}

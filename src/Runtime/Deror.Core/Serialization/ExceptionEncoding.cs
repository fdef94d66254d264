using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Deror.Serialization;

/// <summary>
/// Exceptions travel as type name, message and stack trace. The receiver recreates the same type when it has it
/// (and it can carry the message), else a <see cref="RemoteGrainException"/>; the remote stack trace is kept.
/// </summary>
internal static class ExceptionEncoding
{
    private static readonly ConcurrentDictionary<Type, Func<string, Exception>?> Factories = new();

    public static void Write(CodecWriter writer, Exception exception)
    {
        if (exception is RemoteGrainException remote)
        {
            // Passed along unchanged, so a third process that knows the original type can still recreate it.
            writer.WriteString(remote.OriginalTypeName);
            writer.WriteString(remote.Message);
            writer.WriteString(remote.RemoteStackTrace);
            return;
        }
        writer.WriteString(exception.GetType().FullName);
        writer.WriteString(exception.Message);
        writer.WriteString(exception.StackTrace);
    }

    public static Exception Read(ref CodecReader reader)
    {
        var typeName = reader.ReadString() ?? throw new SerializationException($"Exception without a type name at offset {reader.Position}.");
        var message = reader.ReadString() ?? string.Empty;
        var stackTrace = reader.ReadString();
        var exception = TryRecreate(typeName, message) ?? new RemoteGrainException(typeName, message, stackTrace);
        if (!string.IsNullOrEmpty(stackTrace))
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(exception, stackTrace);
        }
        return exception;
    }

    private static Exception? TryRecreate(string typeName, string message)
    {
        var type = WireTypes.FindLoadedType(typeName);
        if (type is null || !typeof(Exception).IsAssignableFrom(type) || type.IsAbstract || type.ContainsGenericParameters)
        {
            return null;
        }
        var factory = Factories.GetOrAdd(type, CreateFactory);
        if (factory is null)
        {
            return null;
        }
        try
        {
            var exception = factory(message);
            // Some (string) constructors take something else (ArgumentNullException's is the parameter name).
            return exception.Message == message ? exception : null;
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    private static Func<string, Exception>? CreateFactory(Type type)
    {
        // (string, Exception) first: for the argument exceptions the single-string constructor is not the message.
        if (type.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner)
        {
            return message => (Exception)withInner.Invoke([message, null]);
        }
        if (type.GetConstructor([typeof(string)]) is { } withMessage)
        {
            return message => (Exception)withMessage.Invoke([message]);
        }
        return null;
    }
}

namespace Deror.Serialization;

/// <summary>
/// The one serialization abstraction: how arguments, results and exceptions become bytes and back, and how
/// they are deep-copied for calls inside one silo. Generated requests call it with static types, so values of
/// known types take fast paths with no reflection.
/// </summary>
public interface ICodec
{
    void Write<T>(CodecWriter writer, T value);

    /// <summary>Reads a value written by <see cref="Write{T}"/>; throws <see cref="SerializationException"/> on malformed input.</summary>
    T Read<T>(ref CodecReader reader);

    /// <summary>A copy that shares no mutable object with <paramref name="value"/>; immutable values are returned as they are.</summary>
    T DeepCopy<T>(T value);

    /// <summary>Writes an exception's type, message and stack trace.</summary>
    void WriteException(CodecWriter writer, Exception exception);

    /// <summary>Recreates the exception (same type and message when the type is known here, otherwise a <see cref="RemoteGrainException"/>).</summary>
    Exception ReadException(ref CodecReader reader);
}

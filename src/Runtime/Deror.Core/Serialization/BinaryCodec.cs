using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Deror.Serialization;

/// <summary>
/// Deror's codec. Built-in value types, strings, byte arrays, enums and their nullables take binary fast
/// paths; grain references travel as id + interface; everything else is System.Text.Json of the static type,
/// with the runtime type's name added when a value is of a subtype (subject to <see cref="WireTypes"/>' rules).
/// Malformed input always surfaces as <see cref="SerializationException"/>.
/// </summary>
public sealed class BinaryCodec : ICodec
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_jsonWriter;

    private readonly JsonSerializerOptions _json;

    public BinaryCodec(IGrainReferenceResolver grainReferenceResolver)
    {
        ArgumentNullException.ThrowIfNull(grainReferenceResolver);
        GrainReferenceResolver = grainReferenceResolver;
        _json = new JsonSerializerOptions
        {
            IncludeFields = false,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            Converters = { new GrainReferenceJsonConverterFactory(grainReferenceResolver) },
        };
        _json.MakeReadOnly();
    }

    internal IGrainReferenceResolver GrainReferenceResolver { get; }

    public void Write<T>(CodecWriter writer, T value)
    {
        try
        {
            TypeCodecCache<T>.Instance.Write(this, writer, value);
        }
        catch (Exception e) when (IsCodecFailure(e))
        {
            throw new SerializationException($"Cannot encode a {typeof(T)}: {e.Message}", e);
        }
    }

    public T Read<T>(ref CodecReader reader)
    {
        try
        {
            return TypeCodecCache<T>.Instance.Read(this, ref reader);
        }
        catch (Exception e) when (IsCodecFailure(e))
        {
            throw new SerializationException($"Cannot decode a {typeof(T)}: {e.Message}", e);
        }
    }

    public T DeepCopy<T>(T value) => value is null ? value : TypeCodecCache<T>.Instance.DeepCopy(this, value);

    public void WriteException(CodecWriter writer, Exception exception) => ExceptionEncoding.Write(writer, exception);

    public Exception ReadException(ref CodecReader reader) => ExceptionEncoding.Read(ref reader);

    internal T RoundTrip<T>(T value)
    {
        using var buffer = new CodecWriter();
        Write(buffer, value);
        var reader = new CodecReader(buffer.WrittenSpan);
        return Read<T>(ref reader);
    }

    /// <summary>JSON of the static type behind a 4-byte length, written straight into <paramref name="writer"/>.</summary>
    internal void WriteJson<T>(CodecWriter writer, T value)
    {
        var typeInfo = (JsonTypeInfo<T>)_json.GetTypeInfo(typeof(T));
        var start = writer.Length;
        writer.WriteInt32(0);
        // Taken rather than borrowed, so a (theoretical) nested call gets its own writer.
        var json = t_jsonWriter ?? new Utf8JsonWriter(writer);
        t_jsonWriter = null;
        try
        {
            json.Reset(writer);
            JsonSerializer.Serialize(json, value, typeInfo);
            json.Flush();
        }
        finally
        {
            t_jsonWriter = json;
        }
        writer.PatchInt32(start, writer.Length - start - sizeof(int));
    }

    internal T ReadJson<T>(ref CodecReader reader)
    {
        var typeInfo = (JsonTypeInfo<T>)_json.GetTypeInfo(typeof(T));
        var json = reader.ReadBytes(reader.ReadInt32());
        return JsonSerializer.Deserialize(json, typeInfo)!;
    }

    // A decoder of untrusted bytes must fail one way only; JSON, reflection and resolver errors all become SerializationException.
    private static bool IsCodecFailure(Exception e) => e is not (SerializationException or OutOfMemoryException or OperationCanceledException);
}

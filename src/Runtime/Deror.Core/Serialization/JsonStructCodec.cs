namespace Deror.Serialization;

/// <summary>A struct without a binary fast path: System.Text.Json with its static type (structs have no subtypes).</summary>
internal sealed class JsonStructCodec<T> : TypeCodec<T>
    where T : struct
{
    public override bool IsImmutable => DeclaredImmutable;

    public override void Write(BinaryCodec codec, CodecWriter writer, T value) => codec.WriteJson(writer, value);

    public override T Read(BinaryCodec codec, ref CodecReader reader) => codec.ReadJson<T>(ref reader);
}

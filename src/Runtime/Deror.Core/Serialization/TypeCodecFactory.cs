using Deror.Invocation;

namespace Deror.Serialization;

/// <summary>Picks the codec of a static type: a binary fast path when there is one, JSON otherwise.</summary>
internal static class TypeCodecFactory
{
    private static readonly Dictionary<Type, object> FastPaths = new()
    {
        [typeof(bool)] = new BooleanCodec(),
        [typeof(byte)] = new ByteCodec(),
        [typeof(sbyte)] = new SByteCodec(),
        [typeof(short)] = new Int16Codec(),
        [typeof(ushort)] = new UInt16Codec(),
        [typeof(int)] = new Int32Codec(),
        [typeof(uint)] = new UInt32Codec(),
        [typeof(long)] = new Int64Codec(),
        [typeof(ulong)] = new UInt64Codec(),
        [typeof(float)] = new SingleCodec(),
        [typeof(double)] = new DoubleCodec(),
        [typeof(decimal)] = new DecimalCodec(),
        [typeof(char)] = new CharCodec(),
        [typeof(string)] = new StringCodec(),
        [typeof(Guid)] = new GuidCodec(),
        [typeof(DateTime)] = new DateTimeCodec(),
        [typeof(DateTimeOffset)] = new DateTimeOffsetCodec(),
        [typeof(TimeSpan)] = new TimeSpanCodec(),
        [typeof(byte[])] = new ByteArrayCodec(),
        [typeof(GrainId)] = new GrainIdCodec(),
    };

    public static object Create(Type type)
    {
        if (FastPaths.TryGetValue(type, out var fastPath))
        {
            return fastPath;
        }
        var codecType = type switch
        {
            { IsEnum: true } => typeof(EnumCodec<>).MakeGenericType(type),
            _ when Nullable.GetUnderlyingType(type) is { } underlying => typeof(NullableCodec<>).MakeGenericType(underlying),
            _ when IsGrainReferenceType(type) => typeof(GrainReferenceCodec<>).MakeGenericType(type),
            _ when typeof(Exception).IsAssignableFrom(type) => typeof(ExceptionValueCodec<>).MakeGenericType(type),
            { IsValueType: true } => typeof(JsonStructCodec<>).MakeGenericType(type),
            _ => typeof(ObjectCodec<>).MakeGenericType(type),
        };
        return Activator.CreateInstance(codecType)!;
    }

    public static bool IsGrainReferenceType(Type type)
        => typeof(IAddressable).IsAssignableFrom(type) || typeof(GrainReference).IsAssignableFrom(type);
}

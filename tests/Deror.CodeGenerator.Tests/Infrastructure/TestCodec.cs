using Deror.Serialization;

namespace Deror.CodeGenerator.Tests.Infrastructure;

/// <summary>A minimal codec for the types the behaviour tests send: int, string and List&lt;int&gt;.</summary>
internal sealed class TestCodec : ICodec
{
    public void Write<T>(CodecWriter writer, T value)
    {
        switch (value)
        {
            case int number when typeof(T) == typeof(int):
                writer.WriteVarInt64(number);
                break;
            case string or null when typeof(T) == typeof(string):
                writer.WriteString((string?)(object?)value);
                break;
            case List<int> or null when typeof(T) == typeof(List<int>):
                var list = (List<int>?)(object?)value;
                writer.WriteVarUInt32(list is null ? 0 : (uint)list.Count + 1);
                foreach (var item in list ?? [])
                {
                    writer.WriteVarInt64(item);
                }
                break;
            default:
                throw new NotSupportedException($"TestCodec cannot write {typeof(T)}.");
        }
    }

    public T Read<T>(ref CodecReader reader)
    {
        if (typeof(T) == typeof(int))
        {
            return (T)(object)checked((int)reader.ReadVarInt64());
        }
        if (typeof(T) == typeof(string))
        {
            return (T)(object?)reader.ReadString()!;
        }
        if (typeof(T) == typeof(List<int>))
        {
            var countPlusOne = reader.ReadVarUInt32();
            if (countPlusOne == 0)
            {
                return default!;
            }
            var list = new List<int>();
            for (var i = 0; i < countPlusOne - 1; i++)
            {
                list.Add(checked((int)reader.ReadVarInt64()));
            }
            return (T)(object)list;
        }
        throw new NotSupportedException($"TestCodec cannot read {typeof(T)}.");
    }

    public T DeepCopy<T>(T value) => value is List<int> list ? (T)(object)new List<int>(list) : value;

    public void WriteException(CodecWriter writer, Exception exception) => throw new NotSupportedException();

    public Exception ReadException(ref CodecReader reader) => throw new NotSupportedException();
}

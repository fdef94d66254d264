using Deror.Invocation;
using Deror.Serialization;

namespace Deror.Runtime.Tests.Serialization;

/// <summary>What the generator would emit for <c>Task&lt;string&gt; Echo(string text, int count)</c>.</summary>
internal sealed class EchoRequest : Request
{
    public const uint MethodId = 0xEC40_0001;

    public static readonly RequestDescriptor EchoDescriptor = new(typeof(ITestGrain), "Echo", MethodId, InvokeMethodFlags.None, null);

    public string? Text { get; set; }

    public int Count { get; set; }

    public override RequestDescriptor Descriptor => EchoDescriptor;

    /// <summary>What the generated module initializer would do.</summary>
    public static void Register() => GeneratedCodeRegistry.RegisterRequest(MethodId, static () => new EchoRequest());

    public override ValueTask<object?> InvokeAsync(object target) => ValueTask.FromResult<object?>(Text);

    public override void WriteArguments(ICodec codec, CodecWriter writer)
    {
        codec.Write(writer, Text);
        codec.Write(writer, Count);
    }

    public override void ReadArguments(ICodec codec, ref CodecReader reader)
    {
        Text = codec.Read<string>(ref reader);
        Count = codec.Read<int>(ref reader);
    }

    public override void CopyArguments(ICodec codec)
    {
    }

    public override void WriteResult(ICodec codec, CodecWriter writer, object? result) => codec.Write(writer, (string?)result);

    public override object? ReadResult(ICodec codec, ref CodecReader reader) => codec.Read<string>(ref reader);

    public override object? CopyResult(ICodec codec, object? result) => result;
}

/// <summary>A request whose argument cannot be encoded: to test that one bad message does not break a connection.</summary>
internal sealed class UnencodableRequest : Request
{
    public const uint MethodId = 0xEC40_0002;

    public static readonly RequestDescriptor UnencodableDescriptor = new(typeof(ITestGrain), "Broken", MethodId, InvokeMethodFlags.None, null);

    public override RequestDescriptor Descriptor => UnencodableDescriptor;

    public override ValueTask<object?> InvokeAsync(object target) => ValueTask.FromResult<object?>(null);

    public override void WriteArguments(ICodec codec, CodecWriter writer) => codec.Write<object>(writer, new Action(() => { }));

    public override void ReadArguments(ICodec codec, ref CodecReader reader)
    {
    }

    public override void CopyArguments(ICodec codec)
    {
    }

    public override void WriteResult(ICodec codec, CodecWriter writer, object? result)
    {
    }

    public override object? ReadResult(ICodec codec, ref CodecReader reader) => null;

    public override object? CopyResult(ICodec codec, object? result) => result;
}

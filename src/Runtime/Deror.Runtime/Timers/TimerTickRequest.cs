using Deror.Invocation;
using Deror.Serialization;

namespace Deror.Runtime.Timers;

/// <summary>
/// One timer tick, queued on its activation like a request so it obeys the same turn-based rules. It never
/// leaves the silo, so it has nothing to serialize.
/// </summary>
internal sealed class TimerTickRequest(GrainTimer timer) : Request
{
    private static readonly RequestDescriptor Turn = new(typeof(IGrainTimer), "Tick", 0, InvokeMethodFlags.None, null);
    private static readonly RequestDescriptor Interleaved = new(typeof(IGrainTimer), "Tick", 0, InvokeMethodFlags.AlwaysInterleave, null);

    public bool KeepAlive => timer.Options.KeepAlive;

    public override RequestDescriptor Descriptor => timer.Options.Interleave ? Interleaved : Turn;

    public override async ValueTask<object?> InvokeAsync(object target)
    {
        await timer.TickAsync();
        return null;
    }

    public override void WriteArguments(ICodec codec, CodecWriter writer) => throw NotOnTheWire();

    public override void ReadArguments(ICodec codec, ref CodecReader reader) => throw NotOnTheWire();

    public override void CopyArguments(ICodec codec)
    {
    }

    public override void WriteResult(ICodec codec, CodecWriter writer, object? result) => throw NotOnTheWire();

    public override object? ReadResult(ICodec codec, ref CodecReader reader) => throw NotOnTheWire();

    public override object? CopyResult(ICodec codec, object? result) => result;

    private static NotSupportedException NotOnTheWire() => new("Timer ticks never leave their silo.");
}

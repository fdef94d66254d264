using System.Globalization;
using System.Linq;
using Deror.CodeGenerator.Model;

namespace Deror.CodeGenerator.Emit;

/// <summary>
/// Emits the request class of one grain method: argument fields, the static descriptor, the invoker that
/// calls the grain, and argument/result serialization through the codec with static types.
/// </summary>
internal static class RequestEmitter
{
    private const string RequestBase = "global::Deror.Invocation.Request";
    private const string Descriptor = "global::Deror.Invocation.RequestDescriptor";
    private const string Codec = "global::Deror.Serialization.ICodec";
    private const string Writer = "global::Deror.Serialization.CodecWriter";
    private const string Reader = "global::Deror.Serialization.CodecReader";
    private const string ValueTaskOfObject = "global::System.Threading.Tasks.ValueTask<object?>";

    /// <summary>The field that holds argument <paramref name="index"/>; the proxy sets it in an object initializer.</summary>
    public static string ArgumentField(int index) => "Arg" + index.ToString(CultureInfo.InvariantCulture);

    public static void Emit(SourceBuilder source, GrainMethodModel method)
    {
        source.GeneratedCodeAttribute()
            .OpenBlock($"internal sealed class {method.RequestClassName} : {RequestBase}");

        source.Line($"internal const uint MethodId = 0x{method.MethodId.ToString("X8", CultureInfo.InvariantCulture)}u;")
            .Line()
            .Line($"private static readonly {Descriptor} DescriptorInstance = new {Descriptor}(")
            .Line($"    typeof({method.DeclaringInterfaceType}), \"{method.MetadataName}\", MethodId, {FlagsExpression(method.Flags)}, {TimeoutExpression(method.ResponseTimeoutTicks)});")
            .Line();

        for (var i = 0; i < method.Parameters.Count; i++)
        {
            source.Line($"internal {method.Parameters[i].Type} {ArgumentField(i)} = default!;");
        }
        if (method.Parameters.Count > 0)
        {
            source.Line();
        }

        source.Line($"public override {Descriptor} Descriptor => DescriptorInstance;").Line();
        EmitInvoke(source, method);
        EmitArgumentSerialization(source, method);
        EmitResultSerialization(source, method);
        source.CloseBlock();
    }

    /// <summary>
    /// Returns synchronously when the grain's task already completed successfully, so the common fast
    /// case allocates no async state machine; otherwise awaits in a static local helper.
    /// </summary>
    private static void EmitInvoke(SourceBuilder source, GrainMethodModel method)
    {
        var arguments = string.Join(", ", method.Parameters.Select((_, i) => "this." + ArgumentField(i)));
        source.OpenBlock($"public override {ValueTaskOfObject} InvokeAsync(object target)")
            .Line($"var task = (({method.DeclaringInterfaceType})target).{method.MethodName}({arguments});");

        var hasResult = method.ResultType is not null;
        source.OpenBlock("if (task.IsCompletedSuccessfully)");
        if (hasResult)
        {
            source.Line($"return new {ValueTaskOfObject}(task.Result);");
        }
        else
        {
            if (method.ReturnKind == GrainReturnKind.ValueTask)
            {
                // Consumes the result, which releases a pooled IValueTaskSource behind the ValueTask.
                source.Line("task.GetAwaiter().GetResult();");
            }
            source.Line("return default;");
        }
        source.CloseBlock()
            .Line("return AwaitCompletion(task);")
            .Line();

        source.OpenBlock($"static async {ValueTaskOfObject} AwaitCompletion({method.ReturnType} pending)");
        if (hasResult)
        {
            source.Line("return await pending;");
        }
        else
        {
            source.Line("await pending;")
                .Line("return null;");
        }
        source.CloseBlock()
            .CloseBlock()
            .Line();
    }

    private static void EmitArgumentSerialization(SourceBuilder source, GrainMethodModel method)
    {
        source.OpenBlock($"public override void WriteArguments({Codec} codec, {Writer} writer)");
        for (var i = 0; i < method.Parameters.Count; i++)
        {
            source.Line($"codec.Write<{method.Parameters[i].Type}>(writer, this.{ArgumentField(i)});");
        }
        source.CloseBlock().Line();

        source.OpenBlock($"public override void ReadArguments({Codec} codec, ref {Reader} reader)");
        for (var i = 0; i < method.Parameters.Count; i++)
        {
            source.Line($"this.{ArgumentField(i)} = codec.Read<{method.Parameters[i].Type}>(ref reader);");
        }
        source.CloseBlock().Line();

        source.OpenBlock($"public override void CopyArguments({Codec} codec)");
        for (var i = 0; i < method.Parameters.Count; i++)
        {
            source.Line($"this.{ArgumentField(i)} = codec.DeepCopy<{method.Parameters[i].Type}>(this.{ArgumentField(i)});");
        }
        source.CloseBlock().Line();
    }

    private static void EmitResultSerialization(SourceBuilder source, GrainMethodModel method)
    {
        if (method.ResultType is { } resultType)
        {
            source.OpenBlock($"public override void WriteResult({Codec} codec, {Writer} writer, object? result)")
                .Line($"codec.Write<{resultType}>(writer, ({resultType})result!);")
                .CloseBlock()
                .Line()
                .Line($"public override object? ReadResult({Codec} codec, ref {Reader} reader) => codec.Read<{resultType}>(ref reader);")
                .Line()
                .Line($"public override object? CopyResult({Codec} codec, object? result) => codec.DeepCopy<{resultType}>(({resultType})result!);");
        }
        else
        {
            // Task and ValueTask methods have no result: nothing goes over the wire.
            source.OpenBlock($"public override void WriteResult({Codec} codec, {Writer} writer, object? result)")
                .CloseBlock()
                .Line()
                .Line($"public override object? ReadResult({Codec} codec, ref {Reader} reader) => null;")
                .Line()
                .Line($"public override object? CopyResult({Codec} codec, object? result) => result;");
        }
    }

    private static string FlagsExpression(int flags)
    {
        const string flagsType = "global::Deror.Invocation.InvokeMethodFlags";
        if (flags == 0)
        {
            return flagsType + ".None";
        }
        var names = new[]
            {
                (GrainSymbols.OneWayFlag, "OneWay"),
                (GrainSymbols.ReadOnlyFlag, "ReadOnly"),
                (GrainSymbols.AlwaysInterleaveFlag, "AlwaysInterleave"),
            }
            .Where(f => (flags & f.Item1) != 0)
            .Select(f => $"{flagsType}.{f.Item2}");
        return string.Join(" | ", names);
    }

    private static string TimeoutExpression(long? ticks)
        => ticks is { } value
            ? $"global::System.TimeSpan.FromTicks({value.ToString(CultureInfo.InvariantCulture)}L)"
            : "null";
}

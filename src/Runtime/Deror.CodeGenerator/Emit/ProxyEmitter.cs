using System.Linq;
using Deror.CodeGenerator.Model;

namespace Deror.CodeGenerator.Emit;

/// <summary>
/// Emits the proxy of one grain interface: a GrainReference that implements every grain method by filling a
/// request and handing it to the runtime. Methods are explicit implementations, so same-named methods of
/// several base interfaces and default parameter values cause no conflicts.
/// </summary>
internal static class ProxyEmitter
{
    private const string TaskType = "global::System.Threading.Tasks.Task";

    public static void Emit(SourceBuilder source, GrainInterfaceModel grainInterface, string generatedNamespace)
    {
        source.GeneratedCodeAttribute()
            .OpenBlock($"internal sealed class {grainInterface.ProxyClassName} : global::Deror.Invocation.GrainReference, {grainInterface.InterfaceType}")
            .Line($"public {grainInterface.ProxyClassName}(global::Deror.Invocation.IGrainReferenceRuntime runtime, global::Deror.GrainId grainId)")
            .Line("    : base(runtime, grainId)")
            .Line("{")
            .Line("}")
            .Line();
        source.Line($"public override global::System.Type InterfaceType => typeof({grainInterface.InterfaceType});");

        foreach (var method in grainInterface.Methods)
        {
            source.Line();
            EmitMethod(source, method, generatedNamespace);
        }
        source.CloseBlock();
    }

    private static void EmitMethod(SourceBuilder source, GrainMethodModel method, string generatedNamespace)
    {
        var parameters = string.Join(", ", method.Parameters.Select(p => $"{p.Type} {p.Name}"));
        var initializers = string.Join(", ", method.Parameters.Select((p, i) => $"{RequestEmitter.ArgumentField(i)} = {p.Name}"));
        var request = $"new global::{generatedNamespace}.{method.RequestClassName}"
            + (initializers.Length > 0 ? $" {{ {initializers} }}" : "()");

        source.OpenBlock($"{method.ReturnType} {method.DeclaringInterfaceType}.{method.MethodName}({parameters})");
        if ((method.Flags & GrainSymbols.OneWayFlag) != 0)
        {
            source.Line($"base.InvokeOneWay({request});")
                .Line(method.ReturnKind == GrainReturnKind.ValueTask ? "return default;" : $"return {TaskType}.CompletedTask;");
        }
        else
        {
            var invocation = method.ResultType is { } resultType
                ? $"base.InvokeAsync<{resultType}>({request})"
                : $"base.InvokeAsync({request})";
            var returned = method.ReturnKind is GrainReturnKind.ValueTask or GrainReturnKind.ValueTaskOfT
                ? $"new {method.ReturnType}({invocation})"
                : invocation;
            source.Line($"return {returned};");
        }
        source.CloseBlock();
    }
}

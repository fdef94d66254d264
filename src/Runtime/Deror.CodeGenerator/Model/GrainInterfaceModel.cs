namespace Deror.CodeGenerator.Model;

/// <summary>What the extractor learned about one grain interface declaration: a model to emit, or the reasons it cannot be.</summary>
internal sealed record GrainInterfaceResult(GrainInterfaceModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A valid grain interface: everything needed to emit its proxy and requests, as plain strings.</summary>
/// <param name="InterfaceType">Fully qualified C# name, <c>global::Ns.IFoo</c>.</param>
/// <param name="ProxyClassName">Simple name of the proxy class in the generated namespace.</param>
/// <param name="HintName">Unique file name of the generated source.</param>
/// <param name="Methods">Declared and inherited grain methods, in declaration order, declared ones first.</param>
internal sealed record GrainInterfaceModel(
    string InterfaceType,
    string ProxyClassName,
    string HintName,
    EquatableArray<GrainMethodModel> Methods);

internal enum GrainReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>One grain method as seen by the interface being generated (it may be declared by a base interface).</summary>
/// <param name="DeclaringInterfaceType">Fully qualified C# name of the interface that declares the method.</param>
/// <param name="MethodName">The method's name as written in C# (keywords escaped with '@').</param>
/// <param name="MetadataName">The method's name as reflection sees it; goes into the descriptor.</param>
/// <param name="RequestClassName">Simple name of the request class in the generated namespace.</param>
/// <param name="RequestOwner">Which generated file emits the request class.</param>
/// <param name="ReturnType">Fully qualified return type, e.g. <c>global::System.Threading.Tasks.Task&lt;int&gt;</c>.</param>
/// <param name="ResultType">The T of Task&lt;T&gt;/ValueTask&lt;T&gt;; null for Task and ValueTask.</param>
/// <param name="Flags">Bit mask of Deror.Invocation.InvokeMethodFlags.</param>
/// <param name="ResponseTimeoutTicks">Per-method timeout, or null for the runtime default.</param>
internal sealed record GrainMethodModel(
    string DeclaringInterfaceType,
    string MethodName,
    string MetadataName,
    uint MethodId,
    string RequestClassName,
    RequestOwner RequestOwner,
    GrainReturnKind ReturnKind,
    string ReturnType,
    string? ResultType,
    int Flags,
    long? ResponseTimeoutTicks,
    EquatableArray<GrainParameterModel> Parameters);

/// <summary>Which generated file emits a method's request class, so every request class is emitted exactly once.</summary>
internal enum RequestOwner
{
    /// <summary>Declared by the interface being generated: emitted with its proxy.</summary>
    ThisInterface,

    /// <summary>Declared by another grain interface of this compilation: emitted with that interface's proxy.</summary>
    BaseInterfaceInThisCompilation,

    /// <summary>Declared elsewhere (a referenced assembly, or a non-grain base interface): emitted once in the shared file.</summary>
    SharedFile,
}

/// <param name="Name">Parameter name as written in C# (keywords escaped with '@').</param>
/// <param name="Type">Fully qualified type with nullable annotations.</param>
internal sealed record GrainParameterModel(string Name, string Type);

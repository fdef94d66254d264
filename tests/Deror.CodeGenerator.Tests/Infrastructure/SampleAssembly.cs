using System.Reflection;
using Deror.Invocation;
using Xunit;

namespace Deror.CodeGenerator.Tests.Infrastructure;

/// <summary>The rich sample, generated, compiled and loaded once for all behaviour tests.</summary>
internal static class SampleAssembly
{
    private static readonly Lazy<(Assembly Assembly, GeneratorOutput Output)> Loaded = new(() =>
    {
        var output = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Sample.Behaviour", Samples.RichGrains));
        return (GeneratorHarness.EmitAndLoad(output.Compilation), output);
    });

    public static Assembly Assembly => Loaded.Value.Assembly;

    public static GeneratorOutput Output => Loaded.Value.Output;

    public static Type Type(string fullName) => Assembly.GetType(fullName, throwOnError: true)!;

    /// <summary>A proxy for <paramref name="interfaceName"/>, made by the factory the module initializer registered.</summary>
    public static GrainReference CreateProxy(string interfaceName, RecordingRuntime runtime)
    {
        GeneratedCodeRegistry.EnsureLoaded(Assembly);
        Assert.True(GeneratedCodeRegistry.TryGetProxyFactory(Type(interfaceName), out var factory), $"No proxy registered for {interfaceName}.");
        return factory(runtime, GrainId.Create(new GrainType("sample"), "key"));
    }

    /// <summary>A grain instance from the sample; sample grains accept a null context, which these tests never touch.</summary>
    public static object CreateGrain(string className) => Activator.CreateInstance(Type(className), [null])!;

    /// <summary>Calls <paramref name="methodName"/> of <paramref name="interfaceName"/> on <paramref name="target"/>, picking the overload by argument count.</summary>
    public static object? Call(object target, string interfaceName, string methodName, params object?[] arguments)
    {
        var method = Type(interfaceName).GetMethods().Single(m => m.Name == methodName && m.GetParameters().Length == arguments.Length);
        return method.Invoke(target, arguments);
    }
}

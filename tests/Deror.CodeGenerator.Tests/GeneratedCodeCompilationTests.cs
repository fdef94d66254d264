using Deror.CodeGenerator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Deror.CodeGenerator.Tests;

public sealed class GeneratedCodeCompilationTests
{
    [Fact]
    public void Rich_interface_set_generates_code_that_compiles_without_errors_or_warnings()
    {
        var output = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Rich", Samples.RichGrains));

        Assert.Empty(output.GeneratorDiagnostics);
        var problems = output.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_grain_interface_gets_one_file_and_markers_and_plain_interfaces_get_none()
    {
        var output = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Files", Samples.RichGrains));

        var hintNames = output.RunResult.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal);
        Assert.Equal(
            [
                "DerorGeneratedCodeRegistration.g.cs",
                "DerorInheritedRequests.g.cs",
                "IGlobalGrain.g.cs",
                "Other_Grains_ICalculatorGrain.g.cs",
                "Sample_Grains_ICalculatorGrain.g.cs",
                "Sample_Grains_IGreeterBase.g.cs",
                "Sample_Grains_IInternalGrain.g.cs",
                "Sample_Grains_IPartialGrain.g.cs",
                "Sample_Grains_IPolite.g.cs",
                "Sample_Grains_Outer_INestedGrain.g.cs",
            ],
            hintNames);
    }

    [Fact]
    public void Registration_covers_proxies_requests_and_concrete_grain_classes_only()
    {
        var registration = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Registration", Samples.RichGrains))
            .Source("DerorGeneratedCodeRegistration.g.cs");

        Assert.Contains("[assembly: global::Deror.DerorGeneratedCode]", registration);
        Assert.Contains("[global::System.Runtime.CompilerServices.ModuleInitializer]", registration);
        Assert.Contains("RegisterProxy(typeof(global::Sample.Grains.Outer.INestedGrain)", registration);
        Assert.Contains("Sample_Grains_IPartialGrain_First_Request.MethodId", registration);
        Assert.Contains("Sample_Grains_IPartialGrain_Second_Request.MethodId", registration);
        Assert.Contains("RegisterGrainClass(typeof(global::Sample.Grains.CalculatorGrain))", registration);
        Assert.Contains("RegisterGrainClass(typeof(global::Sample.Grains.InternalGrain))", registration);
        Assert.DoesNotContain("GrainBase", registration);
        // IRemindable's request is registered by this assembly too (its proxy calls it), but not its proxy.
        Assert.Contains("Deror_IRemindable_ReceiveReminder_Request.MethodId", registration);
        Assert.DoesNotContain("typeof(global::Deror.IRemindable)", registration);
    }

    [Fact]
    public void Compilation_without_grains_gets_no_generated_code()
    {
        var output = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Empty", "namespace Plain { public interface IThing { void Do(); } }"));

        Assert.Empty(output.RunResult.GeneratedSources);
        Assert.Empty(output.GeneratorDiagnostics);
    }

    [Fact]
    public void Compilation_with_only_a_grain_class_registers_it()
    {
        const string source = """
            namespace Impl
            {
                internal sealed class Worker : global::Deror.Grain
                {
                    public Worker(global::Deror.IGrainContext context) : base(context) { }
                }
            }
            """;
        var output = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("OnlyClass", source));

        Assert.Contains("RegisterGrainClass(typeof(global::Impl.Worker))", output.Source("DerorGeneratedCodeRegistration.g.cs"));
        Assert.Empty(output.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}

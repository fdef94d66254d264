using Deror.CodeGenerator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Deror.CodeGenerator.Tests;

public sealed class IncrementalCachingTests
{
    [Fact]
    public void Unrelated_edit_leaves_models_and_outputs_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation("Incremental", Samples.RichGrains);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(GeneratorHarness.Parse("namespace Unrelated { internal static class Helper { internal static int Two() => 2; } }", "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(Reasons(result.TrackedSteps[TrackingNames.GrainInterfaces]), reason => Assert.Contains(reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.All(result.TrackedOutputSteps.SelectMany(step => Reasons(step.Value)), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Fact]
    public void Editing_a_grain_interface_regenerates_it()
    {
        var compilation = GeneratorHarness.CreateCompilation("Incremental", Samples.RichGrains);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var changedText = tree.GetText().ToString().Replace("Task<int> Get();", "Task<long> Get();", StringComparison.Ordinal);
        var edited = compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse(changedText, tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result.TrackedSteps[TrackingNames.GrainInterfaces]));
        Assert.Contains("global::System.Threading.Tasks.Task<long> global::IGlobalGrain.Get()", result.GeneratedSources.Single(s => s.HintName == "IGlobalGrain.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(IEnumerable<IncrementalGeneratorRunStep> steps)
        => steps.SelectMany(step => step.Outputs).Select(output => output.Reason);
}

using Deror.CodeGenerator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Deror.CodeGenerator.Tests;

public sealed class DiagnosticTests
{
    public static TheoryData<string, string, string> InvalidMembers => new()
    {
        { "DEROR001", "int Count();", "Count" },
        { "DEROR001", "void Fire();", "Fire" },
        { "DEROR002", "Task Update(ref int value);", "Update" },
        { "DEROR002", "Task Load(out string value);", "Load" },
        { "DEROR002", "Task Peek(in int value);", "Peek" },
        { "DEROR003", "Task<T> Get<T>();", "Get" },
        { "DEROR005", "string Name { get; }", "Name" },
        { "DEROR005", "int this[int index] { get; }", "this" },
        { "DEROR005", "event EventHandler Changed;", "Changed" },
        { "DEROR006", "[OneWay] Task<int> Post();", "Post" },
        { "DEROR006", "[OneWay] ValueTask<string> Send();", "Send" },
        { "DEROR007", "[ResponseTimeout(\"soon\")] Task Slow();", "Slow" },
        { "DEROR007", "[ResponseTimeout(\"-00:00:05\")] Task Back();", "Back" },
        { "DEROR007", "[ResponseTimeout(\"00:00:00\")] Task Never();", "Never" },
        { "DEROR008", "Task Work(CancellationToken cancellationToken);", "Work" },
    };

    [Theory]
    [MemberData(nameof(InvalidMembers))]
    public void Invalid_member_is_reported_on_the_member_and_blocks_generation(string id, string member, string memberName)
    {
        var output = RunOn(Interface("IBad", member) + Interface("IGood", "Task Ok();"));

        var diagnostic = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("IBad", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains(memberName, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains(memberName, LocatedText(output, diagnostic), StringComparison.Ordinal);
        Assert.False(output.HasSource("Bad_IBad.g.cs"));
        Assert.True(output.HasSource("Bad_IGood.g.cs"));
    }

    [Fact]
    public void Generic_interface_is_reported_on_the_interface()
    {
        var output = RunOn(Interface("IBad<T>", "Task<T> Get();"));

        var diagnostic = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal("DEROR004", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("IBad<T>", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("IBad", LocatedText(output, diagnostic));
        Assert.Empty(output.RunResult.GeneratedSources);
    }

    [Fact]
    public void Private_nested_interface_is_reported_as_inaccessible()
    {
        var output = RunOn("public class Holder { private interface IHidden : IGrainWithStringKey { Task Run(); } }");

        var diagnostic = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal("DEROR009", diagnostic.Id);
        Assert.Contains("IHidden", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("private", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_in_a_base_interface_is_reported_once_and_blocks_derived_interfaces()
    {
        var output = RunOn(Interface("IBase", "int Count();") + "public interface IDerived : IBase { Task Other(); }");

        var diagnostic = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal("DEROR001", diagnostic.Id);
        Assert.Empty(output.RunResult.GeneratedSources);
    }

    [Fact]
    public void Every_problem_of_a_method_is_reported()
    {
        var output = RunOn(Interface("IBad", "[OneWay, ResponseTimeout(\"x\")] Task<int> Both(ref int a, CancellationToken token);"));

        Assert.Equal(
            ["DEROR002", "DEROR006", "DEROR007", "DEROR008"],
            output.GeneratorDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    private static string Interface(string name, string member)
        => $"public interface {name} : IGrainWithStringKey {{ {member} }}\n";

    private static GeneratorOutput RunOn(string declarations)
    {
        var source = $$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Deror;
            using Deror.Concurrency;

            namespace Bad
            {
                {{declarations}}
            }
            """;
        return GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Diagnostics", source));
    }

    /// <summary>
    /// The source text the diagnostic points at. Generator diagnostics carry a file location (path and span)
    /// rather than a syntax tree, so the tree is found by its path.
    /// </summary>
    private static string LocatedText(GeneratorOutput output, Diagnostic diagnostic)
    {
        var path = diagnostic.Location.GetLineSpan().Path;
        var tree = Assert.Single(output.Compilation.SyntaxTrees, t => t.FilePath == path);
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }
}

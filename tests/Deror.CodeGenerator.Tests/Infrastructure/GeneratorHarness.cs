using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Deror.CodeGenerator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Deror.CodeGenerator.Tests.Infrastructure;

/// <summary>Compiles sample sources, runs the generator over them with CSharpGeneratorDriver, and loads the result.</summary>
internal static class GeneratorHarness
{
    /// <summary>Documentation diagnostics on, so missing-XML-comment warnings in generated code would show.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static CSharpCompilation CreateCompilation(string assemblyName, params string[] sources)
        => CSharpCompilation.Create(
            assemblyName,
            sources.Select((source, i) => Parse(source, $"Sample{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999));

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            [new GrainCodeGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorOutput Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var outputCompilation, out _);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return new GeneratorOutput(result, outputCompilation);
    }

    /// <summary>Emits the compilation and loads it into the default context, where Deror.Abstractions is already loaded.</summary>
    public static Assembly EmitAndLoad(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        stream.Position = 0;
        return AssemblyLoadContext.Default.LoadFromStream(stream);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return trusted
            .Append(typeof(IGrain).Assembly.Location)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}

internal sealed record GeneratorOutput(GeneratorRunResult RunResult, Compilation Compilation)
{
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => RunResult.Diagnostics;

    public bool HasSource(string hintName) => RunResult.GeneratedSources.Any(s => s.HintName == hintName);

    public string Source(string hintName) => RunResult.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    /// <summary>The <c>MethodId</c> constant of a generated request class, read from the compiled symbols.</summary>
    public uint MethodIdOf(string requestClassMetadataName)
    {
        var requestClass = Compilation.GetTypeByMetadataName(requestClassMetadataName)
            ?? throw new InvalidOperationException($"No generated type {requestClassMetadataName}.");
        return (uint)requestClass.GetMembers("MethodId").OfType<IFieldSymbol>().Single().ConstantValue!;
    }
}

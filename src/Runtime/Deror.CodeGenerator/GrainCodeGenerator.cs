using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Deror.CodeGenerator.Emit;
using Deror.CodeGenerator.Model;
using Microsoft.CodeAnalysis;

namespace Deror.CodeGenerator;

/// <summary>
/// Generates grain proxies, request classes and the registration module initializer.
/// </summary>
/// <remarks>
/// Grain interfaces are recognized by their base interfaces, which ForAttributeWithMetadataName cannot see,
/// so the pipeline filters interface and class declarations syntactically and builds value-equatable models
/// in the transform. An edit that does not change a model leaves every later step cached.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class GrainCodeGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var generatedNamespace = context.CompilationProvider
            .Select(static (compilation, _) => GeneratedNames.NamespaceForAssembly(compilation.AssemblyName))
            .WithTrackingName(TrackingNames.GeneratedNamespace);

        var grainInterfaces = context.SyntaxProvider
            .CreateSyntaxProvider(GrainInterfaceExtractor.IsCandidate, GrainInterfaceExtractor.Extract)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.GrainInterfaces);

        context.RegisterSourceOutput(grainInterfaces.Combine(generatedNamespace), static (output, input) =>
        {
            var (result, generatedNamespace) = input;
            foreach (var diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
            if (result.Model is { } model)
            {
                output.AddSource(model.HintName, SourceFileEmitter.InterfaceFile(model, generatedNamespace));
            }
        });

        var validInterfaces = grainInterfaces
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .Collect()
            .WithTrackingName(TrackingNames.ValidInterfaces);

        var grainClasses = context.SyntaxProvider
            .CreateSyntaxProvider(GrainClassExtractor.IsCandidate, GrainClassExtractor.Extract)
            .Where(static name => name is not null)
            .Select(static (name, _) => name!)
            .Collect()
            .WithTrackingName(TrackingNames.GrainClasses);

        context.RegisterSourceOutput(validInterfaces.Combine(grainClasses).Combine(generatedNamespace), static (output, input) =>
        {
            var ((interfaces, classes), generatedNamespace) = input;
            EmitAssemblyWideFiles(output, interfaces, classes, generatedNamespace);
        });
    }

    private static void EmitAssemblyWideFiles(
        SourceProductionContext output,
        ImmutableArray<GrainInterfaceModel> interfaces,
        ImmutableArray<string> classes,
        string generatedNamespace)
    {
        var orderedInterfaces = interfaces.OrderBy(i => i.InterfaceType, StringComparer.Ordinal).ToList();
        // A method inherited by several interfaces appears in each of them; its request class exists once.
        var allRequests = DistinctRequests(orderedInterfaces.SelectMany(i => i.Methods));
        var sharedRequests = allRequests.Where(m => m.RequestOwner == RequestOwner.SharedFile).ToList();
        var grainClasses = classes.Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();

        if (SourceFileEmitter.SharedRequestsFile(sharedRequests, generatedNamespace) is { } sharedFile)
        {
            output.AddSource(GeneratedNames.SharedRequestsHintName, sharedFile);
        }
        if (orderedInterfaces.Count > 0 || grainClasses.Count > 0)
        {
            output.AddSource(GeneratedNames.RegistrationHintName, RegistrationEmitter.Emit(orderedInterfaces, allRequests, grainClasses, generatedNamespace));
        }
    }

    private static List<GrainMethodModel> DistinctRequests(IEnumerable<GrainMethodModel> methods)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return methods
            .Where(m => seen.Add(m.RequestClassName))
            .OrderBy(m => m.RequestClassName, StringComparer.Ordinal)
            .ToList();
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Deror.CodeGenerator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Deror.CodeGenerator;

/// <summary>
/// Turns a grain interface declaration into a <see cref="GrainInterfaceModel"/>, or into diagnostics when the
/// interface (or a member it inherits) cannot be proxied. Runs in the syntax provider's transform, so all
/// symbol access happens here and the rest of the pipeline sees only value-equatable data.
/// </summary>
internal static class GrainInterfaceExtractor
{
    private static readonly SymbolDisplayFormat MessageFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) => node is InterfaceDeclarationSyntax;

    public static GrainInterfaceResult? Extract(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol grainInterface
            || !GrainSymbols.IsGrainInterface(grainInterface)
            || !IsFirstDeclaration(grainInterface, context.Node))
        {
            return null;
        }
        return new InterfaceExtraction(grainInterface, context.SemanticModel.Compilation).Run(cancellationToken);
    }

    /// <summary>A partial interface has several declarations; only the first one produces a model.</summary>
    private static bool IsFirstDeclaration(INamedTypeSymbol symbol, SyntaxNode node)
    {
        var first = symbol.DeclaringSyntaxReferences.FirstOrDefault();
        return first is not null && first.SyntaxTree == node.SyntaxTree && first.Span == node.Span;
    }

    private sealed class InterfaceExtraction(INamedTypeSymbol grainInterface, Compilation compilation)
    {
        private readonly List<DiagnosticInfo> _diagnostics = [];
        private int _problemCount;

        public GrainInterfaceResult Run(CancellationToken cancellationToken)
        {
            var interfaceName = grainInterface.ToDisplayString(MessageFormat);
            if (GrainSymbols.InaccessibilityReason(grainInterface) is { } reason)
            {
                Report(DiagnosticDescriptors.InaccessibleInterface, grainInterface, interfaceName, reason);
            }

            var methods = new List<GrainMethodModel>();
            foreach (var declaringInterface in InterfacesContributingMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (GrainSymbols.IsGenericAnywhere(declaringInterface))
                {
                    Report(DiagnosticDescriptors.GenericInterface, declaringInterface, interfaceName, declaringInterface.ToDisplayString(MessageFormat));
                }
                foreach (var member in declaringInterface.GetMembers())
                {
                    switch (member)
                    {
                        case IMethodSymbol method when IsGrainMethod(method):
                            if (ExtractMethod(method) is { } model)
                            {
                                methods.Add(model);
                            }
                            break;
                        case IPropertySymbol { IsStatic: false } property:
                            Report(DiagnosticDescriptors.NonMethodMember, property, interfaceName, property.IsIndexer ? "indexer" : "property", property.ToDisplayString(MessageFormat));
                            break;
                        case IEventSymbol { IsStatic: false } @event:
                            Report(DiagnosticDescriptors.NonMethodMember, @event, interfaceName, "event", @event.ToDisplayString(MessageFormat));
                            break;
                    }
                }
            }

            if (_problemCount > 0)
            {
                return new GrainInterfaceResult(null, new EquatableArray<DiagnosticInfo>([.. _diagnostics]));
            }
            var interfaceModel = new GrainInterfaceModel(
                grainInterface.ToDisplayString(GeneratedNames.TypeFormat),
                GeneratedNames.ProxyClassName(grainInterface),
                GeneratedNames.InterfaceHintName(grainInterface),
                new EquatableArray<GrainMethodModel>([.. methods]));
            return new GrainInterfaceResult(interfaceModel, EquatableArray<DiagnosticInfo>.Empty);
        }

        /// <summary>The interface itself, then every base interface except the markers (which have no members).</summary>
        private IEnumerable<INamedTypeSymbol> InterfacesContributingMembers()
            => new[] { grainInterface }.Concat(grainInterface.AllInterfaces.Where(i => !GrainSymbols.IsMarkerInterface(i)));

        /// <summary>Instance methods a proxy must implement; static, private and sealed interface methods are not called through proxies.</summary>
        private static bool IsGrainMethod(IMethodSymbol method)
            => method is { MethodKind: MethodKind.Ordinary, IsStatic: false, IsSealed: false, DeclaredAccessibility: Accessibility.Public };

        private GrainMethodModel? ExtractMethod(IMethodSymbol method)
        {
            var problemsBefore = _problemCount;
            var interfaceName = method.ContainingType.ToDisplayString(MessageFormat);

            if (method.IsGenericMethod)
            {
                Report(DiagnosticDescriptors.GenericMethod, method, interfaceName, method.Name);
            }

            var returnKind = ClassifyReturnType(method.ReturnType);
            if (returnKind is null)
            {
                Report(DiagnosticDescriptors.UnsupportedReturnType, method, interfaceName, method.Name, method.ReturnType.ToDisplayString(MessageFormat));
            }

            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None)
                {
                    Report(DiagnosticDescriptors.ByRefParameter, method, interfaceName, method.Name, RefKindKeyword(parameter.RefKind), parameter.Name);
                }
                if (GrainSymbols.IsCancellationToken(parameter.Type))
                {
                    Report(DiagnosticDescriptors.CancellationTokenParameter, method, interfaceName, method.Name, parameter.Name);
                }
            }

            var flags = 0;
            long? timeoutTicks = null;
            foreach (var attribute in method.GetAttributes())
            {
                if (GrainSymbols.HasAttribute(attribute, GrainSymbols.OneWayAttribute))
                {
                    flags |= GrainSymbols.OneWayFlag;
                }
                else if (GrainSymbols.HasAttribute(attribute, GrainSymbols.ReadOnlyAttribute))
                {
                    flags |= GrainSymbols.ReadOnlyFlag;
                }
                else if (GrainSymbols.HasAttribute(attribute, GrainSymbols.AlwaysInterleaveAttribute))
                {
                    flags |= GrainSymbols.AlwaysInterleaveFlag;
                }
                else if (GrainSymbols.HasAttribute(attribute, GrainSymbols.ResponseTimeoutAttribute))
                {
                    var text = attribute.ConstructorArguments.FirstOrDefault().Value as string;
                    timeoutTicks = ParsePositiveTimeSpan(text)?.Ticks;
                    if (timeoutTicks is null)
                    {
                        Report(DiagnosticDescriptors.InvalidResponseTimeout, method, interfaceName, method.Name, text ?? "null");
                    }
                }
            }

            var returnsValue = returnKind is GrainReturnKind.TaskOfT or GrainReturnKind.ValueTaskOfT;
            if ((flags & GrainSymbols.OneWayFlag) != 0 && returnsValue)
            {
                Report(DiagnosticDescriptors.OneWayWithResult, method, interfaceName, method.Name, method.ReturnType.ToDisplayString(MessageFormat));
            }

            if (_problemCount != problemsBefore || returnKind is null)
            {
                return null;
            }

            var methodId = MethodIdHash.Compute(method);
            var parameters = method.Parameters
                .Select(p => new GrainParameterModel(GeneratedNames.EscapeIdentifier(p.Name), p.Type.ToDisplayString(GeneratedNames.TypeFormat)))
                .ToArray();
            return new GrainMethodModel(
                method.ContainingType.ToDisplayString(GeneratedNames.TypeFormat),
                GeneratedNames.EscapeIdentifier(method.Name),
                method.Name,
                methodId,
                GeneratedNames.RequestClassName(method, methodId),
                RequestOwnerOf(method.ContainingType),
                returnKind.Value,
                method.ReturnType.ToDisplayString(GeneratedNames.TypeFormat),
                returnsValue ? ((INamedTypeSymbol)method.ReturnType).TypeArguments[0].ToDisplayString(GeneratedNames.TypeFormat) : null,
                flags,
                timeoutTicks,
                new EquatableArray<GrainParameterModel>(parameters));
        }

        private RequestOwner RequestOwnerOf(INamedTypeSymbol declaringInterface)
        {
            if (SymbolEqualityComparer.Default.Equals(declaringInterface, grainInterface))
            {
                return RequestOwner.ThisInterface;
            }
            return IsGrainInterfaceOfThisCompilation(declaringInterface) ? RequestOwner.BaseInterfaceInThisCompilation : RequestOwner.SharedFile;
        }

        private bool IsGrainInterfaceOfThisCompilation(INamedTypeSymbol type)
            => SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly)
                && GrainSymbols.IsGrainInterface(type.OriginalDefinition);

        /// <summary>
        /// Records a problem. A problem in a member inherited from another grain interface of this compilation
        /// still blocks this interface, but is reported only once, by that interface's own extraction.
        /// </summary>
        private void Report(DiagnosticDescriptor descriptor, ISymbol member, params string[] messageArguments)
        {
            _problemCount++;
            var declaringType = member as INamedTypeSymbol ?? member.ContainingType;
            var isInherited = !SymbolEqualityComparer.Default.Equals(declaringType, grainInterface);
            if (isInherited && IsGrainInterfaceOfThisCompilation(declaringType))
            {
                return;
            }
            // Members of interfaces from referenced assemblies have no source location: point at this interface.
            var location = member.Locations.FirstOrDefault(l => l.IsInSource) ?? grainInterface.Locations.FirstOrDefault();
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, messageArguments));
        }

        private static GrainReturnKind? ClassifyReturnType(ITypeSymbol returnType)
        {
            if (returnType is not INamedTypeSymbol { ContainingType: null } named
                || named.ContainingNamespace.ToDisplayString() != "System.Threading.Tasks")
            {
                return null;
            }
            return named.MetadataName switch
            {
                "Task" => GrainReturnKind.Task,
                "Task`1" => GrainReturnKind.TaskOfT,
                "ValueTask" => GrainReturnKind.ValueTask,
                "ValueTask`1" => GrainReturnKind.ValueTaskOfT,
                _ => null,
            };
        }

        /// <summary>Parses like the runtime's ResponseTimeoutAttribute (TimeSpan.Parse, invariant culture) and requires a positive value.</summary>
        private static TimeSpan? ParsePositiveTimeSpan(string? text)
            => text is not null && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero ? value : null;

        private static string RefKindKeyword(RefKind refKind) => refKind switch
        {
            RefKind.Ref => "ref",
            RefKind.Out => "out",
            RefKind.In => "in",
            _ => "ref readonly",
        };
    }
}

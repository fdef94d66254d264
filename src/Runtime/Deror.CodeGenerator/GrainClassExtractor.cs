using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Deror.CodeGenerator;

/// <summary>Finds grain classes: non-abstract classes deriving, at any depth, from Deror.Grain.</summary>
internal static class GrainClassExtractor
{
    /// <summary>A grain class needs a base list in at least one of its declarations.</summary>
    public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken)
        => node is ClassDeclarationSyntax { BaseList: not null } or RecordDeclarationSyntax { BaseList: not null };

    /// <summary>
    /// The class's fully qualified name, or null if it is not a grain class the generated registration can name:
    /// open generic classes cannot be activated as they are, and private nested classes cannot be referenced.
    /// </summary>
    public static string? Extract(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        => context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false, IsStatic: false } type
            && GrainSymbols.DerivesFromGrain(type)
            && !GrainSymbols.IsGenericAnywhere(type)
            && GrainSymbols.InaccessibilityReason(type) is null
                ? type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
                : null;
}

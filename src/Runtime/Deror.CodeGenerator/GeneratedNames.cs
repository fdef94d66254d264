using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Deror.CodeGenerator;

/// <summary>
/// Names of generated types and files. Everything lives in <c>DerorGenerated.{assembly name}</c>: the assembly
/// part keeps two assemblies that see each other's internals (InternalsVisibleTo) from defining the same type.
/// </summary>
internal static class GeneratedNames
{
    public const string GeneratorName = "Deror.CodeGenerator";
    public const string GeneratorVersion = "1.0.0";
    public const string RegistrationClassName = "DerorGeneratedCodeRegistration";
    public const string RegistrationHintName = "DerorGeneratedCodeRegistration.g.cs";
    public const string SharedRequestsHintName = "DerorInheritedRequests.g.cs";

    /// <summary>How generated code spells types: <c>global::</c>-qualified, with nullable annotations kept.</summary>
    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string NamespaceForAssembly(string? assemblyName)
    {
        const string root = "DerorGenerated";
        if (string.IsNullOrEmpty(assemblyName))
        {
            return root;
        }
        var segments = assemblyName!.Split('.').Select(SanitizeIdentifier);
        return root + "." + string.Join(".", segments);
    }

    /// <summary>
    /// A type's namespace, containing types and name joined with '_' (with '_' in names doubled so that
    /// <c>A.B_C</c> and <c>A_B.C</c> stay distinct): <c>Deror.IRemindable</c> becomes <c>Deror_IRemindable</c>.
    /// </summary>
    public static string MangledTypeName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (ISymbol? symbol = type; symbol is INamedTypeSymbol or INamespaceSymbol { IsGlobalNamespace: false }; symbol = symbol.ContainingSymbol)
        {
            parts.Add(symbol.MetadataName.Replace("_", "__"));
        }
        parts.Reverse();
        return string.Join("_", parts);
    }

    public static string ProxyClassName(INamedTypeSymbol grainInterface) => MangledTypeName(grainInterface) + "_Proxy";

    public static string InterfaceHintName(INamedTypeSymbol grainInterface) => MangledTypeName(grainInterface) + ".g.cs";

    /// <summary>
    /// <c>{declaring interface}_{method}_Request</c>; overloaded methods also get their method id
    /// (<c>_{id:X8}</c>) so each overload has its own class.
    /// </summary>
    public static string RequestClassName(IMethodSymbol method, uint methodId)
    {
        var isOverloaded = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Skip(1).Any();
        var overloadSuffix = isOverloaded ? "_" + methodId.ToString("X8", CultureInfo.InvariantCulture) : string.Empty;
        return $"{MangledTypeName(method.ContainingType)}_{method.Name}{overloadSuffix}_Request";
    }

    /// <summary>Prefixes C# keywords with '@' so a parameter named <c>class</c> can be declared and passed.</summary>
    public static string EscapeIdentifier(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string SanitizeIdentifier(string segment)
    {
        var builder = new StringBuilder(segment.Length + 1);
        foreach (var c in segment)
        {
            builder.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
        }
        if (builder.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(builder[0]))
        {
            builder.Insert(0, '_');
        }
        return EscapeIdentifier(builder.ToString());
    }
}

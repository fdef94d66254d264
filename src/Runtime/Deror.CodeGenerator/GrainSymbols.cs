using System.Linq;
using Microsoft.CodeAnalysis;

namespace Deror.CodeGenerator;

/// <summary>Recognizes Deror's contracts among Roslyn symbols, by name (the generator cannot reference Deror.Abstractions).</summary>
internal static class GrainSymbols
{
    public const string OneWayAttribute = "Deror.Concurrency.OneWayAttribute";
    public const string ReadOnlyAttribute = "Deror.Concurrency.ReadOnlyAttribute";
    public const string AlwaysInterleaveAttribute = "Deror.Concurrency.AlwaysInterleaveAttribute";
    public const string ResponseTimeoutAttribute = "Deror.ResponseTimeoutAttribute";

    // Values of Deror.Invocation.InvokeMethodFlags.
    public const int OneWayFlag = 1;
    public const int ReadOnlyFlag = 2;
    public const int AlwaysInterleaveFlag = 4;

    /// <summary>An interface deriving from Deror.IGrain that is not one of the marker interfaces.</summary>
    public static bool IsGrainInterface(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Interface && !IsMarkerInterface(type) && type.AllInterfaces.Any(i => IsDerorType(i, "IGrain"));

    /// <summary>IAddressable, IGrain and the keyed markers: they have no methods and get no proxy.</summary>
    public static bool IsMarkerInterface(INamedTypeSymbol type)
        => type.Name is "IAddressable" or "IGrain" or "IGrainWithStringKey" or "IGrainWithGuidKey" or "IGrainWithIntegerKey"
            && IsDerorType(type, type.Name);

    public static bool DerivesFromGrain(INamedTypeSymbol type)
    {
        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (IsDerorType(baseType, "Grain"))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True if the type or one of its containing types is generic (so it has no closed name to refer to).</summary>
    public static bool IsGenericAnywhere(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Why code elsewhere in the assembly cannot name <paramref name="type"/>, or null if it can.</summary>
    public static string? InaccessibilityReason(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            var accessibility = current.DeclaredAccessibility switch
            {
                Accessibility.Private => "private",
                Accessibility.Protected => "protected",
                Accessibility.ProtectedAndInternal => "private protected",
                _ => null,
            };
            if (accessibility is not null)
            {
                return ReferenceEquals(current, type) ? accessibility : $"nested in the {accessibility} type '{current.Name}'";
            }
        }
        return null;
    }

    public static bool HasAttribute(AttributeData attribute, string fullName)
        => attribute.AttributeClass?.ToDisplayString() == fullName;

    public static bool IsCancellationToken(ITypeSymbol type)
    {
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : type;
        return underlying is INamedTypeSymbol { Name: "CancellationToken", ContainingType: null } token
            && token.ContainingNamespace.ToDisplayString() == "System.Threading";
    }

    private static bool IsDerorType(INamedTypeSymbol type, string name)
        => type.Name == name
            && type.ContainingType is null
            && type.ContainingNamespace is { Name: "Deror", ContainingNamespace.IsGlobalNamespace: true };
}

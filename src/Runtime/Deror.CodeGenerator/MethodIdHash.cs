using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Deror.CodeGenerator;

/// <summary>
/// Computes grain method ids. An id must be the same in every assembly that generates a request for the
/// method (a derived interface in another assembly regenerates the requests of its base interfaces), so it
/// depends only on the method's signature string, never on the compilation.
/// </summary>
/// <remarks>
/// The hash is the one of <c>Deror.StableHash.Compute</c>: FNV-1a over the UTF-8 bytes, finished with the
/// murmur3 mix. Keeping them identical lets the runtime compute a method id from a signature string.
/// </remarks>
internal static class MethodIdHash
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>
    /// Types in a signature: namespace-qualified metadata-style names without nullable reference annotations
    /// (they do not change what goes over the wire), e.g. <c>System.Collections.Generic.List&lt;System.String&gt;</c>.
    /// </summary>
    private static readonly SymbolDisplayFormat SignatureTypeFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.ExpandNullable | SymbolDisplayMiscellaneousOptions.ExpandValueTuple);

    /// <summary>
    /// The string a method id is hashed from:
    /// <c>{declaring interface full name}.{method name}({parameter type full names, comma-separated})</c>,
    /// e.g. <c>Deror.IRemindable.ReceiveReminder(System.String,Deror.TickStatus)</c>.
    /// </summary>
    public static string Signature(IMethodSymbol method)
    {
        var parameterTypes = method.Parameters.Select(p => p.Type.ToDisplayString(SignatureTypeFormat));
        return $"{method.ContainingType.ToDisplayString(SignatureTypeFormat)}.{method.Name}({string.Join(",", parameterTypes)})";
    }

    public static uint Compute(IMethodSymbol method) => Compute(Signature(method));

    public static uint Compute(string signature)
    {
        var hash = FnvOffset;
        foreach (var b in Encoding.UTF8.GetBytes(signature))
        {
            hash = unchecked((hash ^ b) * FnvPrime);
        }
        return Mix(hash);
    }

    private static uint Mix(uint h)
    {
        unchecked
        {
            h ^= h >> 16;
            h *= 0x85ebca6b;
            h ^= h >> 13;
            h *= 0xc2b2ae35;
            h ^= h >> 16;
            return h;
        }
    }
}

using Microsoft.CodeAnalysis;

namespace Deror.CodeGenerator;

/// <summary>Errors for grain interfaces the generator cannot turn into proxies. No code is generated for such an interface.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Deror.CodeGenerator";

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "DEROR001",
        "Unsupported grain method return type",
        "Grain method '{0}.{1}' returns '{2}'; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>");

    public static readonly DiagnosticDescriptor ByRefParameter = Error(
        "DEROR002",
        "Grain method parameters cannot be ref, out or in",
        "Grain method '{0}.{1}' has the {2} parameter '{3}'; arguments are sent by value, so ref, out and in parameters are not supported");

    public static readonly DiagnosticDescriptor GenericMethod = Error(
        "DEROR003",
        "Generic grain methods are not supported",
        "Grain method '{0}.{1}' is generic; generic grain methods are not supported");

    public static readonly DiagnosticDescriptor GenericInterface = Error(
        "DEROR004",
        "Generic grain interfaces are not supported",
        "Grain interface '{0}' cannot be generated: '{1}' is generic, and generic grain interfaces are not supported");

    public static readonly DiagnosticDescriptor NonMethodMember = Error(
        "DEROR005",
        "Grain interfaces can only contain methods",
        "Grain interface '{0}' declares the {1} '{2}'; grain interfaces can only contain methods");

    public static readonly DiagnosticDescriptor OneWayWithResult = Error(
        "DEROR006",
        "One-way grain methods cannot return a value",
        "Grain method '{0}.{1}' is [OneWay] but returns '{2}'; the caller of a one-way method gets no response, so it must return Task or ValueTask");

    public static readonly DiagnosticDescriptor InvalidResponseTimeout = Error(
        "DEROR007",
        "Invalid response timeout",
        "Grain method '{0}.{1}' has [ResponseTimeout(\"{2}\")], which is not a valid positive TimeSpan (expected the form \"hh:mm:ss\", such as \"00:00:30\")");

    public static readonly DiagnosticDescriptor CancellationTokenParameter = Error(
        "DEROR008",
        "CancellationToken parameters are not supported",
        "Grain method '{0}.{1}' has the CancellationToken parameter '{2}'; cancellation cannot be sent to a grain yet");

    public static readonly DiagnosticDescriptor InaccessibleInterface = Error(
        "DEROR009",
        "Grain interface is not accessible to generated code",
        "Grain interface '{0}' is {1}, so the generated proxy cannot implement it; make it and its containing types public or internal");

    private static DiagnosticDescriptor Error(string id, string title, string messageFormat)
        => new(id, title, messageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}

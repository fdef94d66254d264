using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;

namespace Deror.PyHost.Cluster;

/// <summary>
/// Calls a method of a .NET object by name with JSON arguments (<c>{"args": [...], "kwargs": {...}}</c>) and
/// returns its awaited result as JSON. Names match the way Python spells them: <c>say_hello</c> finds
/// <c>SayHello</c>, <c>health_check</c> finds <c>HealthCheckAsync</c>. Reflection runs once per method; the
/// parameters are bound per call with System.Text.Json.
/// </summary>
internal sealed class JsonMethodInvoker
{
    /// <summary>What the Python side sends for a call without arguments; such calls skip JSON parsing.</summary>
    public const string NoArguments = """{"args":[],"kwargs":{}}""";

    private static readonly Dictionary<string, JsonElement> NoNames = [];

    private readonly ConcurrentDictionary<(Type Contract, string Name), MethodBinding[]> _methods = new();

    public static JsonMethodInvoker Shared { get; } = new();

    /// <summary>Invokes <paramref name="method"/> of <paramref name="contract"/> on <paramref name="target"/>; the JSON of its result, <c>null</c> for none.</summary>
    public Task<string> InvokeAsync(object target, Type contract, string method, string argumentsJson, CancellationToken cancellationToken)
        => Begin(target, contract, method, argumentsJson, cancellationToken).ResultJsonAsync();

    /// <summary>Binds the arguments and starts the call; the caller waits for <see cref="PendingInvocation.Task"/>.</summary>
    public PendingInvocation Begin(object target, Type contract, string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var (binding, arguments) = Bind(contract, method, argumentsJson, cancellationToken);
        object? returned;
        try
        {
            returned = binding.Method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        return returned switch
        {
            Task task => new PendingInvocation(task, binding, null),
            ValueTask valueTask => new PendingInvocation(valueTask.AsTask(), binding, null),
            _ when binding.ToTask is { } toTask => new PendingInvocation((Task)toTask.Invoke(returned, null)!, binding, null),
            _ => new PendingInvocation(Task.CompletedTask, binding, returned),
        };
    }

    private (MethodBinding Binding, object?[] Arguments) Bind(Type contract, string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var candidates = _methods.GetOrAdd((contract, method), static key => FindMethods(key.Contract, PythonJson.Normalize(key.Name)));
        if (candidates.Length == 0)
        {
            throw new GrainMemberNotFoundException($"{contract.Name} has no method '{method}'. Its methods: {string.Join(", ", AllMethods(contract).Select(m => m.Name).Distinct().Order(StringComparer.Ordinal))}.");
        }
        if (argumentsJson == NoArguments && candidates is [{ TakesNoArguments: true } only])
        {
            return (only, Arguments(only, default, 0, NoNames, contract, cancellationToken));
        }
        JsonElement positional, named;
        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            positional = document.RootElement.TryGetProperty("args", out var a) ? a.Clone() : default;
            named = document.RootElement.TryGetProperty("kwargs", out var k) ? k.Clone() : default;
        }
        catch (JsonException e)
        {
            throw new PythonArgumentException($"The arguments of {contract.Name}.{method} are not valid JSON: {e.Message}", e);
        }
        var positionalCount = positional.ValueKind == JsonValueKind.Array ? positional.GetArrayLength() : 0;
        var names = named.ValueKind == JsonValueKind.Object
            ? named.EnumerateObject().ToDictionary(p => PythonJson.Normalize(p.Name), p => p.Value)
            : NoNames;
        var fitting = candidates.Where(m => m.Fits(positionalCount, names)).ToArray();
        if (fitting.Length != 1)
        {
            var signatures = string.Join("; ", candidates.Select(Describe));
            throw new PythonArgumentException(fitting.Length == 0
                ? $"{contract.Name}.{candidates[0].Method.Name} does not take {positionalCount} positional argument(s){(names.Count > 0 ? $" and {string.Join(", ", names.Keys)}" : "")}: {signatures}"
                : $"{contract.Name}.{candidates[0].Method.Name} is ambiguous for these arguments: {signatures}");
        }
        return (fitting[0], Arguments(fitting[0], positional, positionalCount, names, contract, cancellationToken));
    }

    private static object?[] Arguments(MethodBinding binding, JsonElement positional, int positionalCount, Dictionary<string, JsonElement> names, Type contract, CancellationToken cancellationToken)
    {
        var parameters = binding.Parameters;
        var arguments = new object?[parameters.Length];
        var next = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.ParameterType == typeof(CancellationToken))
            {
                arguments[i] = cancellationToken;
            }
            else if (next < positionalCount)
            {
                arguments[i] = Deserialize(positional[next++], parameter, contract, binding.Method);
            }
            else if (names.TryGetValue(PythonJson.Normalize(parameter.Name!), out var value))
            {
                arguments[i] = Deserialize(value, parameter, contract, binding.Method);
            }
            else
            {
                arguments[i] = parameter.DefaultValue is DBNull or Missing ? null : parameter.DefaultValue;
            }
        }
        return arguments;
    }

    private static object? Deserialize(JsonElement value, ParameterInfo parameter, Type contract, MethodInfo method)
    {
        try
        {
            return value.Deserialize(parameter.ParameterType, PythonJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new PythonArgumentException($"Argument '{parameter.Name}' of {contract.Name}.{method.Name} must be {Describe(parameter.ParameterType)}: {e.Message}", e);
        }
    }

    private static MethodBinding[] FindMethods(Type contract, string normalizedName)
        => [.. AllMethods(contract).Where(m => PythonJson.Normalize(m.Name) is var n && (n == normalizedName || n == normalizedName + "async")).Select(m => new MethodBinding(m))];

    private static IEnumerable<MethodInfo> AllMethods(Type contract)
        => (contract.IsInterface ? contract.GetInterfaces().Prepend(contract) : [contract])
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => !m.IsSpecialName && !m.IsGenericMethodDefinition && m.DeclaringType != typeof(object));

    private static string Describe(MethodBinding binding)
    {
        var builder = new StringBuilder(binding.Method.Name).Append('(');
        builder.AppendJoin(", ", binding.Arguments.Select(p => $"{p.Name}: {Describe(p.ParameterType)}{(p.HasDefaultValue ? " = ..." : "")}"));
        return builder.Append(')').ToString();
    }

    private static string Describe(Type type) => Nullable.GetUnderlyingType(type) is { } inner ? $"{inner.Name}?" : type.Name;
}

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
    private readonly ConcurrentDictionary<(Type Contract, string Name), MethodInfo[]> _methods = new();
    private readonly ConcurrentDictionary<Type, Func<object, object?>?> _resultReaders = new();

    public static JsonMethodInvoker Shared { get; } = new();

    /// <summary>Invokes <paramref name="method"/> of <paramref name="contract"/> on <paramref name="target"/>; the JSON of its result, <c>null</c> for none.</summary>
    public async Task<string> InvokeAsync(object target, Type contract, string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var (info, arguments) = Bind(contract, method, argumentsJson, cancellationToken);
        object? returned;
        try
        {
            returned = info.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        var (value, type) = await AwaitResultAsync(returned, info.ReturnType).ConfigureAwait(false);
        return value is null ? "null" : JsonSerializer.Serialize(value, type == typeof(object) ? value.GetType() : type, PythonJson.Options);
    }

    private (MethodInfo Method, object?[] Arguments) Bind(Type contract, string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var candidates = _methods.GetOrAdd((contract, PythonJson.Normalize(method)), static key => FindMethods(key.Contract, key.Name));
        if (candidates.Length == 0)
        {
            throw new GrainMemberNotFoundException($"{contract.Name} has no method '{method}'. Its methods: {string.Join(", ", AllMethods(contract).Select(m => m.Name).Distinct().Order(StringComparer.Ordinal))}.");
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
            : [];
        var fitting = candidates.Where(m => Fits(m, positionalCount, names.Keys)).ToArray();
        if (fitting.Length != 1)
        {
            var signatures = string.Join("; ", candidates.Select(Describe));
            throw new PythonArgumentException(fitting.Length == 0
                ? $"{contract.Name}.{candidates[0].Name} does not take {positionalCount} positional argument(s){(names.Count > 0 ? $" and {string.Join(", ", names.Keys)}" : "")}: {signatures}"
                : $"{contract.Name}.{candidates[0].Name} is ambiguous for these arguments: {signatures}");
        }
        var target = fitting[0];
        var parameters = target.GetParameters();
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
                arguments[i] = Deserialize(positional[next++], parameter, contract, target);
            }
            else if (names.TryGetValue(PythonJson.Normalize(parameter.Name!), out var value))
            {
                arguments[i] = Deserialize(value, parameter, contract, target);
            }
            else
            {
                arguments[i] = parameter.DefaultValue is DBNull or Missing ? null : parameter.DefaultValue;
            }
        }
        return (target, arguments);
    }

    private static bool Fits(MethodInfo method, int positionalCount, IEnumerable<string> names)
    {
        var parameters = method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();
        if (positionalCount > parameters.Length)
        {
            return false;
        }
        var byName = parameters.Skip(positionalCount).ToDictionary(p => PythonJson.Normalize(p.Name!));
        var given = names.ToHashSet();
        return given.All(byName.ContainsKey) && byName.All(p => given.Contains(p.Key) || p.Value.HasDefaultValue);
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

    private async Task<(object? Value, Type Type)> AwaitResultAsync(object? returned, Type returnType)
    {
        if (returned is ValueTask valueTask)
        {
            await valueTask.ConfigureAwait(false);
            return (null, typeof(void));
        }
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            returned = returnType.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null);
            returnType = typeof(Task<>).MakeGenericType(returnType.GetGenericArguments());
        }
        if (returned is Task task)
        {
            await task.ConfigureAwait(false);
            var reader = _resultReaders.GetOrAdd(returnType, static t =>
                t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Task<>) ? t.GetProperty(nameof(Task<int>.Result))!.GetValue : null);
            return reader is null ? (null, typeof(void)) : (reader(task), returnType.GetGenericArguments()[0]);
        }
        return (returned, returnType);
    }

    private static MethodInfo[] FindMethods(Type contract, string normalizedName)
        => [.. AllMethods(contract).Where(m => PythonJson.Normalize(m.Name) is var n && (n == normalizedName || n == normalizedName + "async"))];

    private static IEnumerable<MethodInfo> AllMethods(Type contract)
        => (contract.IsInterface ? contract.GetInterfaces().Prepend(contract) : [contract])
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => !m.IsSpecialName && !m.IsGenericMethodDefinition && m.DeclaringType != typeof(object));

    private static string Describe(MethodInfo method)
    {
        var builder = new StringBuilder(method.Name).Append('(');
        builder.AppendJoin(", ", method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken))
            .Select(p => $"{p.Name}: {Describe(p.ParameterType)}{(p.HasDefaultValue ? " = ..." : "")}"));
        return builder.Append(')').ToString();
    }

    private static string Describe(Type type) => Nullable.GetUnderlyingType(type) is { } inner ? $"{inner.Name}?" : type.Name;
}

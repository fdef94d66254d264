using System.Reflection;

namespace Deror.PyHost.Cluster;

/// <summary>
/// One .NET method as Python calls it, worked out once: its parameters without the <see cref="CancellationToken"/>,
/// their Python-normalized names, and how its returned task yields a result.
/// </summary>
internal sealed class MethodBinding
{
    public MethodBinding(MethodInfo method)
    {
        Method = method;
        Parameters = method.GetParameters();
        Arguments = [.. Parameters.Where(p => p.ParameterType != typeof(CancellationToken))];
        NormalizedNames = [.. Arguments.Select(p => PythonJson.Normalize(p.Name!))];
        RequiredCount = Arguments.Count(p => !p.HasDefaultValue);
        TakesNoArguments = Arguments.All(p => p.HasDefaultValue);
        var returnType = method.ReturnType;
        IsValueTask = returnType == typeof(ValueTask) || (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>));
        var awaited = returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)
            ? typeof(Task<>).MakeGenericType(returnType.GetGenericArguments())
            : returnType;
        if (awaited.IsGenericType && awaited.GetGenericTypeDefinition() == typeof(Task<>))
        {
            ResultType = awaited.GetGenericArguments()[0];
            ReadResult = awaited.GetProperty(nameof(Task<int>.Result))!.GetValue;
        }
        else if (!typeof(Task).IsAssignableFrom(awaited) && returnType != typeof(ValueTask) && returnType != typeof(void))
        {
            ResultType = returnType;
        }
        if (IsValueTask && ResultType is not null)
        {
            ToTask = returnType.GetMethod(nameof(ValueTask<int>.AsTask))!;
        }
    }

    public MethodInfo Method { get; }

    /// <summary>All parameters, in order (the cancellation token included).</summary>
    public ParameterInfo[] Parameters { get; }

    /// <summary>The parameters Python passes (all but a cancellation token).</summary>
    public ParameterInfo[] Arguments { get; }

    public string[] NormalizedNames { get; }

    public int RequiredCount { get; }

    /// <summary>Every Python-visible parameter has a default: a call without arguments fits.</summary>
    public bool TakesNoArguments { get; }

    public bool IsValueTask { get; }

    /// <summary>The type of the value the call produces; null for none.</summary>
    public Type? ResultType { get; }

    /// <summary>Reads <c>Task&lt;T&gt;.Result</c> of the (completed) returned task; null when the method returns no task with a result.</summary>
    public Func<object?, object?>? ReadResult { get; }

    /// <summary><c>ValueTask&lt;T&gt;.AsTask</c> for a method returning one.</summary>
    public MethodInfo? ToTask { get; }

    /// <summary>Whether <paramref name="positionalCount"/> positional and the <paramref name="names"/> keyword arguments fit.</summary>
    public bool Fits(int positionalCount, IReadOnlyDictionary<string, System.Text.Json.JsonElement> names)
    {
        if (positionalCount > Arguments.Length)
        {
            return false;
        }
        var matched = 0;
        for (var i = positionalCount; i < Arguments.Length; i++)
        {
            if (names.ContainsKey(NormalizedNames[i]))
            {
                matched++;
            }
            else if (!Arguments[i].HasDefaultValue)
            {
                return false;
            }
        }
        return matched == names.Count;
    }
}

using System.Collections.Concurrent;
using System.Reflection;
using Deror.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Runtime.Catalog;

/// <summary>
/// Creates grain instances: constructor parameters come from the silo's services, except those marked
/// [PersistentState], which get a state bound to the grain's id and the named storage provider.
/// </summary>
internal sealed class GrainActivator(IServiceProvider services)
{
    private readonly ConcurrentDictionary<Type, ConstructorPlan> _plans = new();

    public (object Grain, IReadOnlyList<IStateLoader> States) CreateInstance(IGrainContext context, GrainClassInfo grainClass)
    {
        var plan = _plans.GetOrAdd(grainClass.ClassType, static type => new ConstructorPlan(type));
        var states = new List<IStateLoader>();
        var arguments = new object?[plan.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = plan.Parameters[i];
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } stateAttribute)
            {
                var state = CreateState(parameter, stateAttribute, context.GrainId);
                states.Add(state);
                arguments[i] = state;
            }
            else
            {
                arguments[i] = services.GetService(parameter.ParameterType)
                    ?? (parameter.HasDefaultValue
                        ? parameter.DefaultValue
                        : throw new InvalidOperationException($"{grainClass.ClassType.Name} needs a {parameter.ParameterType.Name} ('{parameter.Name}'), which is not registered in the silo's services."));
            }
        }
        using (GrainContextScope.Enter(context))
        {
            try
            {
                return (plan.Constructor.Invoke(arguments), states);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }

    private IStateLoader CreateState(ParameterInfo parameter, PersistentStateAttribute attribute, GrainId grainId)
    {
        var type = parameter.ParameterType;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
        {
            throw new InvalidOperationException($"[PersistentState] parameter '{parameter.Name}' must be an IPersistentState<T>, not {type.Name}.");
        }
        var storageName = attribute.StorageName ?? GrainStorageNames.Default;
        var storage = services.GetKeyedService<IGrainStorage>(storageName)
            ?? throw new InvalidOperationException(
                $"No grain storage named '{storageName}' is configured (needed by state '{attribute.StateName}'). " +
                $"Add one, e.g. silo.AddMemoryGrainStorage(\"{storageName}\") or silo.UseSqliteStorage(path).");
        var stateType = typeof(PersistentState<>).MakeGenericType(type.GetGenericArguments()[0]);
        return (IStateLoader)Activator.CreateInstance(stateType, attribute.StateName, grainId, storage)!;
    }

    private sealed class ConstructorPlan
    {
        public ConstructorPlan(Type grainClass)
        {
            Constructor = grainClass.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
                ?? throw new InvalidOperationException($"Grain class {grainClass.FullName} has no public constructor.");
            Parameters = Constructor.GetParameters();
        }

        public ConstructorInfo Constructor { get; }

        public ParameterInfo[] Parameters { get; }
    }
}

using System.Reflection;
using Deror.Concurrency;

namespace Deror.Runtime.Catalog;

/// <summary>What the runtime needs to know about one grain class, read once at start-up.</summary>
internal sealed class GrainClassInfo
{
    public GrainClassInfo(Type grainClass)
    {
        ClassType = grainClass;
        GrainType = new GrainType(grainClass.GetCustomAttribute<GrainTypeAttribute>()?.GrainType ?? DefaultGrainTypeName(grainClass));
        IsReentrant = grainClass.IsDefined(typeof(ReentrantAttribute), inherit: true);
        CollectionAge = grainClass.GetCustomAttribute<CollectionAgeLimitAttribute>()?.Amount;
        MaxLocalWorkers = grainClass.GetCustomAttribute<Deror.Placement.StatelessWorkerAttribute>(inherit: true)?.MaxLocalWorkers;
        GrainInterfaces = grainClass.GetInterfaces()
            .Where(i => typeof(IGrain).IsAssignableFrom(i) && !KeyMarkers.Contains(i))
            .ToArray();
    }

    private static readonly HashSet<Type> KeyMarkers =
        [typeof(IGrain), typeof(IGrainWithStringKey), typeof(IGrainWithGuidKey), typeof(IGrainWithIntegerKey)];

    public Type ClassType { get; }

    public GrainType GrainType { get; }

    public bool IsReentrant { get; }

    /// <summary>The class's own idle limit from [CollectionAgeLimit], or null for the silo default.</summary>
    public TimeSpan? CollectionAge { get; }

    /// <summary>For [StatelessWorker] classes, the most local activations per grain id; null for ordinary grains.</summary>
    public int? MaxLocalWorkers { get; }

    public bool IsStatelessWorker => MaxLocalWorkers is not null;

    /// <summary>Grain interfaces the class implements (excluding the key markers).</summary>
    public IReadOnlyList<Type> GrainInterfaces { get; }

    /// <summary>As in Orleans: the class name, lower-cased, without a trailing "Grain" ("HelloGrain" → "hello").</summary>
    private static string DefaultGrainTypeName(Type grainClass)
    {
        var name = grainClass.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }
        return name.ToLowerInvariant();
    }
}

namespace Deror.Concurrency
{
    /// <summary>Requests to this grain may interleave at await points (they still never run in parallel).</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = true)]
    public sealed class ReentrantAttribute : Attribute;

    /// <summary>This method interleaves with any other request, even on a non-reentrant grain.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class AlwaysInterleaveAttribute : Attribute;

    /// <summary>This method does not change state: read-only requests may interleave with each other.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class ReadOnlyAttribute : Attribute;

    /// <summary>Fire and forget: the caller gets no response, not even an exception. Only for Task/ValueTask methods.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class OneWayAttribute : Attribute;

    /// <summary>
    /// A promise that values of this type are never changed once made (nor is anything they hold): a call between
    /// grains of one silo passes them as they are instead of a deep copy. Across silos they are serialized as usual.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
    public sealed class ImmutableAttribute : Attribute;
}

namespace Deror
{
    /// <summary>Overrides the response timeout of one grain method, e.g. <c>[ResponseTimeout("00:00:05")]</c>.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class ResponseTimeoutAttribute(string timeout) : Attribute
    {
        public TimeSpan Timeout { get; } = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Names a grain class's <see cref="GrainType"/> (default: the class name, lower-cased, without a "Grain" suffix).</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    public sealed class GrainTypeAttribute(string grainType) : Attribute
    {
        public string GrainType { get; } = grainType;
    }

    /// <summary>Overrides the idle time after which activations of this grain class are collected.</summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class CollectionAgeLimitAttribute : Attribute
    {
        public double Minutes { get; init; }

        public double Seconds { get; init; }

        public TimeSpan Amount => TimeSpan.FromMinutes(Minutes) + TimeSpan.FromSeconds(Seconds);
    }

    /// <summary>Marks an assembly that holds generated grain proxies, invokers or grain classes; emitted by the source generator.</summary>
    [AttributeUsage(AttributeTargets.Assembly)]
    public sealed class DerorGeneratedCodeAttribute : Attribute;
}

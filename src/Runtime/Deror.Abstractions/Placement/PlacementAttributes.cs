namespace Deror.Placement;

/// <summary>Where a new activation of a grain class goes. Put one of the derived attributes on the grain class.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class PlacementAttribute : Attribute;

/// <summary>A random active silo (the default).</summary>
public sealed class RandomPlacementAttribute : PlacementAttribute;

/// <summary>The silo that received the call, if it is active.</summary>
public sealed class PreferLocalPlacementAttribute : PlacementAttribute;

/// <summary>A silo chosen by the grain id's hash over the active silos, so the same grain tends to land on the same silo.</summary>
public sealed class HashBasedPlacementAttribute : PlacementAttribute;

/// <summary>The less loaded of two random active silos, by activation count (the "power of two choices").</summary>
public sealed class ActivationCountBasedPlacementAttribute : PlacementAttribute;

/// <summary>
/// The active silo with the lowest weighted load: CPU use, memory use and activation count (Orleans's default
/// strategy since 9.2 weighs the same signals).
/// </summary>
public sealed class ResourceOptimizedPlacementAttribute : PlacementAttribute;

/// <summary>
/// Only silos whose membership metadata has <see cref="Key"/> = <see cref="Value"/>; among them, random. With no
/// value, the grain's own key must match: <c>[SiloMetadataPlacement("exo-node")]</c> puts grain "node-7" on the silo
/// that declares <c>exo-node=node-7</c> (node affinity). A call fails if no active silo matches.
/// </summary>
public sealed class SiloMetadataPlacementAttribute(string key, string? value = null) : PlacementAttribute
{
    public string Key { get; } = key;

    /// <summary>The required value, or null for "the grain's primary key".</summary>
    public string? Value { get; } = value;
}

/// <summary>
/// A stateless worker: not registered in the directory, activated on whichever silo receives the call, with up to
/// <see cref="MaxLocalWorkers"/> activations per silo serving calls in parallel (each one still turn-based).
/// For grains that hold no state worth addressing, e.g. stateless request fan-out.
/// </summary>
public sealed class StatelessWorkerAttribute(int maxLocalWorkers = 0) : PlacementAttribute
{
    /// <summary>The most activations per silo; 0 means one per processor core.</summary>
    public int MaxLocalWorkers { get; } = maxLocalWorkers > 0 ? maxLocalWorkers : Environment.ProcessorCount;
}

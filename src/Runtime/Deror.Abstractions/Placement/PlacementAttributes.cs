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

/// <summary>
/// Only silos whose membership metadata has <see cref="Key"/> = <see cref="Value"/> (e.g. the Exo node a silo
/// serves); among them, random. A call fails if no active silo matches.
/// </summary>
public sealed class SiloMetadataPlacementAttribute(string key, string value) : PlacementAttribute
{
    public string Key { get; } = key;

    public string Value { get; } = value;
}

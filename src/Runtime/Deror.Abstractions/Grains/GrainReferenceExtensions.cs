namespace Deror;

/// <summary>Key accessors on grains and grain references, as in Orleans (<c>this.GetPrimaryKeyString()</c>).</summary>
public static class GrainReferenceExtensions
{
    public static GrainId GetGrainId(this IAddressable grain) => grain switch
    {
        IGrainIdentity identity => identity.GrainId,
        _ => throw new ArgumentException($"{grain.GetType()} is neither a grain nor a grain reference.", nameof(grain)),
    };

    public static string GetPrimaryKeyString(this IAddressable grain) => grain.GetGrainId().Key;

    public static Guid GetPrimaryKey(this IAddressable grain) => grain.GetGrainId().GetGuidKey();

    public static long GetPrimaryKeyLong(this IAddressable grain) => grain.GetGrainId().GetIntegerKey();
}

/// <summary>Implemented by grains and grain references: the id they stand for.</summary>
public interface IGrainIdentity
{
    GrainId GrainId { get; }
}
